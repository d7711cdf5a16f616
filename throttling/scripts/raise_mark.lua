-- Raise a high-water mark, never lower it.
--
-- KEYS[1]  the mark's key
-- ARGV[1]  the new value (an integer, e.g. a source version in Unix milliseconds)
-- ARGV[2]  how long the mark is kept after its last raise, in milliseconds
--
-- Returns 1 when the mark rose (or was set for the first time), 0 when it already stood at or
-- above ARGV[1]; either way its lifetime starts over. Comparing and setting in one script keeps
-- two writers from lowering each other's mark.
local current = redis.call("GET", KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then
    redis.call("PEXPIRE", KEYS[1], ARGV[2])
    return 0
end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return 1
