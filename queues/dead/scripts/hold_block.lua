-- A message of the entity was dead-lettered: it heads the entity's line, and blocks it.
--
-- KEYS[1]  the entity's line (list of message ids)
-- KEYS[2]  the entity's blocker
-- ARGV[1]  the dead letter's message id
--
-- The message ran, so it was the head already or nothing was held; either way it is the head
-- now and every later event of the entity parks behind it. Returns the line's length.
if redis.call("LINDEX", KEYS[1], 0) ~= ARGV[1] then
    redis.call("LREM", KEYS[1], 0, ARGV[1])
    redis.call("LPUSH", KEYS[1], ARGV[1])
end
redis.call("SET", KEYS[2], ARGV[1])
return redis.call("LLEN", KEYS[1])
