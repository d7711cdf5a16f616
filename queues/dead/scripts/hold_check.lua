-- May this message of a held entity run now? Joins the entity's line when it is not in it yet.
--
-- KEYS[1]  the entity's line: a list of message ids in the order they must apply, the head first
-- KEYS[2]  the entity's blocker: the id of the dead letter at the head, while it is dead
-- ARGV[1]  the message's id
--
-- Returns {code, id}:
--   {0, ""}       nothing is held for the entity: run (the usual case, one read)
--   {1, ""}       the message is the head of the line: run, then leave the line
--   {2, head}     the head was released and has not applied yet: wait for it
--   {3, blocker}  the head is a dead letter: park behind it
local head = redis.call("LINDEX", KEYS[1], 0)
if not head then
    return {0, ""}
end
if head == ARGV[1] then
    return {1, ""}
end
if not redis.call("LPOS", KEYS[1], ARGV[1]) then
    redis.call("RPUSH", KEYS[1], ARGV[1])
end
local blocker = redis.call("GET", KEYS[2])
if blocker then
    return {3, blocker}
end
return {2, head}
