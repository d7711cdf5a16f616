-- Admit one call to a shared downstream (the ERP) or say how long to wait, for the whole fleet.
--
-- KEYS[1]  the gate's state hash
-- KEYS[2]  the gate's in-flight calls (sorted set: ticket -> lease expiry, ms)
-- ARGV[1]  now, in ms; empty to use Redis's own clock (one clock for every host)
-- ARGV[2]  the caller's tier, 1 = highest priority
-- ARGV[3]  the caller's ticket (unique per call)
-- ARGV[4]  rate ceiling, calls per second (0 = no rate limit)
-- ARGV[5]  burst, in calls: how many may go at once after an idle spell (at least 1)
-- ARGV[6]  concurrency ceiling, calls in flight (0 = no limit)
-- ARGV[7]  lease, in ms: how long a ticket counts as in flight if never settled
-- ARGV[8]  minimum shares of tiers 2..n, comma-separated fractions of the rate (e.g. "0.3,0.1")
-- ARGV[9]  probes allowed at once while the breaker is half-open
-- ARGV[10] ramp, in rate fraction per ms: how fast the rate climbs back after a cut
-- ARGV[11] how long a wait is suggested while half-open probes are busy, in ms
--
-- Returns {granted (1|0), wait in ms, cause, probe (1|0)}; cause is one of "ok",
-- "breaker_open", "probing", "paused", "concurrency", "rate".
--
-- One GCRA at the full rate admits calls, so in any second at most rate + burst - 1 calls pass.
-- The tiers share its slots: tiers 2..n earn credit at their minimum shares and a slot goes
-- first to a tier holding credit, then to the highest tier waiting, then to whoever asks. A tier
-- that is waiting has been refused a moment ago ("hungry"); a tier that asks for nothing leaves
-- its share to the others, so no slot is wasted while anyone wants one.

local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local tier = tonumber(ARGV[2])
local ticket = ARGV[3]
local rate = tonumber(ARGV[4])
local burst = math.max(1, tonumber(ARGV[5]))
local concurrency = tonumber(ARGV[6])
local lease = tonumber(ARGV[7])
local max_probes = tonumber(ARGV[9])
local ramp = tonumber(ARGV[10])
local probe_wait = tonumber(ARGV[11])

local shares = {}
for share in string.gmatch(ARGV[8], "[^,]+") do
  shares[#shares + 1] = tonumber(share)
end

local state = KEYS[1]
local function get(field, default)
  local value = redis.call("HGET", state, field)
  if value then return tonumber(value) or value end
  return default
end

local function deny(wait, cause)
  return {0, math.max(1, math.ceil(wait)), cause, 0}
end

-- The circuit breaker: open means no calls; half-open lets a few probes through.
local probe = 0
local breaker = get("breaker", "closed")
if breaker == "open" then
  local reopen = get("open_until", 0)
  if now < reopen then return deny(reopen - now, "breaker_open") end
  breaker = "half"
  redis.call("HSET", state, "breaker", "half", "probes", 0)
end
if breaker == "half" then
  if get("probes", 0) >= max_probes then return deny(probe_wait, "probing") end
  probe = 1
end

-- A pause the downstream asked for (Retry-After) holds every tier.
local paused_until = get("paused_until", 0)
if now < paused_until then return deny(paused_until - now, "paused") end

-- Calls in flight, fleet-wide; a ticket nobody settled stops counting when its lease ends.
redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", now)
if concurrency > 0 and redis.call("ZCARD", KEYS[2]) >= concurrency then
  return deny(5, "concurrency")
end

if rate > 0 then
  -- The rate climbs back linearly after a cut (slow start after the breaker closes, or AIMD).
  local factor = math.min(1, get("factor", 1) + ramp * math.max(0, now - get("factor_at", now)))
  local per_ms = rate * factor / 1000
  local interval = 1 / per_ms

  -- Global GCRA: the theoretical arrival time may run at most burst - 1 intervals ahead.
  local tat = math.max(get("tat", now), now)
  if tat - now > (burst - 1) * interval then
    local wait = tat - now - (burst - 1) * interval
    redis.call("HSET", state, "hungry:" .. tier, now + wait + 20)
    return deny(wait, "rate")
  end

  -- Tiers 2..n earn credit at their minimum shares (capped at 2 calls' worth).
  local elapsed = math.max(0, now - get("credited_at", now))
  local credit = {}
  for index = 2, #shares + 1 do
    credit[index] = math.min(2, get("credit:" .. index, 1) + per_ms * shares[index - 1] * elapsed)
    redis.call("HSET", state, "credit:" .. index, credit[index])
  end
  redis.call("HSET", state, "credited_at", now)

  -- A free slot goes to the caller if it holds credit; otherwise it is kept for a waiting tier
  -- that holds credit, then for a waiting tier above the caller; otherwise the caller takes it.
  local mine = credit[tier] and credit[tier] >= 1
  if not mine then
    for other = 1, #shares + 1 do
      local waiting = other ~= tier and get("hungry:" .. other, 0) > now
      if waiting and ((credit[other] and credit[other] >= 1) or other < tier) then
        redis.call("HSET", state, "hungry:" .. tier, now + interval + 20)
        return deny(interval, "rate")
      end
    end
  end
  if mine then redis.call("HINCRBYFLOAT", state, "credit:" .. tier, -1) end
  redis.call("HSET", state, "tat", tat + interval)
  redis.call("HDEL", state, "hungry:" .. tier)
end

if probe == 1 then redis.call("HINCRBY", state, "probes", 1) end
redis.call("ZADD", KEYS[2], now + lease, ticket)
return {1, 0, "ok", probe}
