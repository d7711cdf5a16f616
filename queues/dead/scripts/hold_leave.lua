-- A message leaves its entity's line: it applied, was skipped, or was purged.
--
-- KEYS[1]  the entity's line (list of message ids)
-- KEYS[2]  the entity's blocker (the dead letter at the head, while it is dead)
-- ARGV[1]  the message's id
--
-- Returns 1 when the message was the blocker (so whatever waited behind it may go), else 0.
-- The list disappears with its last id, as Redis drops empty lists.
redis.call("LREM", KEYS[1], 0, ARGV[1])
if redis.call("GET", KEYS[2]) == ARGV[1] then
    redis.call("DEL", KEYS[2])
    return 1
end
return 0
