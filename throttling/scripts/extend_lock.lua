-- Extend a lock's lease only if the caller still holds it.
--
-- KEYS[1]  the lock key
-- ARGV[1]  the token the caller acquired the lock with
-- ARGV[2]  the new lease, in milliseconds from now
--
-- Returns 1 when the lease was extended, 0 when the lock had expired or belongs to someone else.
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0
