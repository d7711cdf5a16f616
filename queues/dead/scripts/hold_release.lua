-- On-call sends a blocking dead letter back: its entity's line waits for it instead of parking.
--
-- KEYS[1]  the entity's blocker
-- ARGV[1]  the released dead letter's message id
--
-- Returns 1 when it was the blocker (and no longer blocks), 0 otherwise.
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
