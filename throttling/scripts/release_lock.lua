-- Release a lock only if the caller still holds it.
--
-- KEYS[1]  the lock key
-- ARGV[1]  the token the caller acquired the lock with
--
-- Returns 1 when the lock was released, 0 when it had expired or belongs to someone else.
-- Comparing and deleting in one script keeps a late caller from releasing a lock that expired
-- and was taken by another worker in between.
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
