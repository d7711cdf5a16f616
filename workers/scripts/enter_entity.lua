-- An event's entry to its entity: take the entity's lock and, once it is taken, read the
-- entity's line (joining it if the entity is held) and its version mark, all atomically.
--
-- KEYS[1]  the entity's lock (throttling.KeyedLock's key)
-- KEYS[2]  the entity's line: message ids in the order they must apply, the head first
-- KEYS[3]  the entity's blocker: the id of the dead letter at the head, while it is dead
-- KEYS[4]  the entity's version mark (throttling.HighWaterMark's key)
-- ARGV[1]  the lock's new token
-- ARGV[2]  the lock's lease, in milliseconds
-- ARGV[3]  the message's id
--
-- Returns {0} when another holder has the lock (nothing else is read or changed), else
-- {1, hold, behind, mark}: hold and behind as queues/dead/scripts/hold_check.lua answers them
-- (0 free, 1 head, 2 wait behind `behind`, 3 park behind `behind`), mark the version mark or ""
-- when there is none. The line's part is that script's, kept in step with it by
-- tests/workers/test_entity_entries.py.
if not redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then
    return {0}
end
local mark = redis.call("GET", KEYS[4]) or ""
local head = redis.call("LINDEX", KEYS[2], 0)
if not head then
    return {1, 0, "", mark}
end
if head == ARGV[3] then
    return {1, 1, "", mark}
end
if not redis.call("LPOS", KEYS[2], ARGV[3]) then
    redis.call("RPUSH", KEYS[2], ARGV[3])
end
local blocker = redis.call("GET", KEYS[3])
if blocker then
    return {1, 3, blocker, mark}
end
return {1, 2, head, mark}
