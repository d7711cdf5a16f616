-- Settle one admitted call: free its slot, and learn from how it went.
--
-- KEYS[1]  the gate's state hash
-- KEYS[2]  the gate's in-flight calls (sorted set)
-- KEYS[3]  the breaker's rolling window (hash: slot -> "second,successes,failures")
-- KEYS[4]  the gate's counters since it began (hash: "outcome:<outcome>" -> calls,
--          "le:<bound>" -> calls whose latency was at most that bound and above the one
--          before (not cumulative), "latency_count", "latency_sum_ms")
-- KEYS[5]  recent calls (hash: "n:<Unix second>" -> calls, "ms:<second>" -> their summed
--          latency; seconds older than two minutes are dropped, "cleaned" marks how far)
-- ARGV[1]  now, in ms; empty to use Redis's own clock
-- ARGV[2]  the ticket admit.lua granted
-- ARGV[3]  the outcome: "ok", "failure" or "throttled"
-- ARGV[4]  how long the downstream asked the fleet to pause, in ms (throttled; 0 if unsaid)
-- ARGV[5]  1 if the call was a half-open probe, else 0
-- ARGV[6]  the breaker's window, in seconds
-- ARGV[7]  calls the window needs before the breaker may open
-- ARGV[8]  failure rate (0..1) at which the breaker opens
-- ARGV[9]  how long the breaker stays open before it probes, in ms
-- ARGV[10] the lowest the rate factor falls to (also where slow start begins)
-- ARGV[11] the pause after a throttle that named none, in ms
-- ARGV[12] ramp, in rate fraction per ms (as in admit.lua)
-- ARGV[13] how long the call took, in ms; empty if unmeasured
-- ARGV[14] the latency histogram's bounds, in ms, ascending, comma-separated
--
-- Returns the breaker's state after this call: "closed", "open" or "half".
--
-- "throttled" pauses the whole fleet until the downstream's Retry-After and halves the rate
-- (once per pause, however many calls were throttled in it); from the end of the pause the rate
-- climbs back on its own (see the ramp in admit.lua). "failure" counts towards opening the breaker; a probe's
-- success closes it with the rate at its floor, so the ERP is not hit at full rate at once.

local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local outcome = ARGV[3]
local pause = tonumber(ARGV[4])
local probe = tonumber(ARGV[5])
local window = tonumber(ARGV[6])
local min_calls = tonumber(ARGV[7])
local failure_rate = tonumber(ARGV[8])
local cooldown = tonumber(ARGV[9])
local min_factor = tonumber(ARGV[10])
local default_pause = tonumber(ARGV[11])
local ramp = tonumber(ARGV[12])

local state = KEYS[1]
local function get(field, default)
  local value = redis.call("HGET", state, field)
  if value then return tonumber(value) or value end
  return default
end

local function open()
  redis.call("HSET", state, "breaker", "open", "open_until", now + cooldown, "probes", 0)
  redis.call("DEL", KEYS[3])
  return "open"
end

redis.call("ZREM", KEYS[2], ARGV[2])

-- Count the call (every outcome: a throttled call reached the downstream too).
local second = math.floor(now / 1000)
local latency = tonumber(ARGV[13])
redis.call("HINCRBY", KEYS[4], "outcome:" .. outcome, 1)
redis.call("HINCRBY", KEYS[5], "n:" .. second, 1)
if latency then
  local bucket = "+Inf"
  for bound in string.gmatch(ARGV[14], "[^,]+") do
    if latency <= tonumber(bound) then bucket = bound break end
  end
  redis.call("HINCRBY", KEYS[4], "le:" .. bucket, 1)
  redis.call("HINCRBY", KEYS[4], "latency_count", 1)
  redis.call("HINCRBYFLOAT", KEYS[4], "latency_sum_ms", latency)
  redis.call("HINCRBYFLOAT", KEYS[5], "ms:" .. second, latency)
end
local horizon = second - 120
local cleaned = tonumber(redis.call("HGET", KEYS[5], "cleaned") or horizon)
if horizon - cleaned > 240 then
  -- Idle for minutes: everything else in the hash is older than two minutes.
  local fresh_n, fresh_ms = redis.call("HGET", KEYS[5], "n:" .. second), redis.call("HGET", KEYS[5], "ms:" .. second)
  redis.call("DEL", KEYS[5])
  redis.call("HSET", KEYS[5], "n:" .. second, fresh_n)
  if fresh_ms then redis.call("HSET", KEYS[5], "ms:" .. second, fresh_ms) end
elseif horizon > cleaned then
  for old = cleaned + 1, horizon do redis.call("HDEL", KEYS[5], "n:" .. old, "ms:" .. old) end
end
redis.call("HSET", KEYS[5], "cleaned", horizon)

if outcome == "throttled" then
  local until_ms = now + math.max(pause, default_pause)
  if until_ms > get("paused_until", 0) then redis.call("HSET", state, "paused_until", until_ms) end
  if now >= get("cut_until", 0) then
    -- The climb back starts when the pause ends: climbing while nothing may pass is no climb.
    local factor = math.min(1, get("factor", 1) + ramp * math.max(0, now - get("factor_at", now)))
    redis.call("HSET", state, "factor", math.max(min_factor, factor / 2), "factor_at", until_ms,
      "cut_until", until_ms)
  end
end

local breaker = get("breaker", "closed")
if probe == 1 then
  if breaker ~= "half" then return breaker end
  redis.call("HINCRBY", state, "probes", -1)
  if outcome == "failure" then return open() end
  if outcome == "ok" then
    redis.call("HSET", state, "breaker", "closed", "factor", min_factor, "factor_at", now)
    redis.call("DEL", KEYS[3])
    return "closed"
  end
  return "half"
end
if breaker ~= "closed" or outcome == "throttled" then return breaker end

-- Count the call in its one-second slot of the rolling window.
local slot = tostring(second % window)
local recorded = redis.call("HGET", KEYS[3], slot)
local successes, failures = 0, 0
if recorded then
  local at, s, f = string.match(recorded, "(%d+),(%d+),(%d+)")
  if tonumber(at) == second then successes, failures = tonumber(s), tonumber(f) end
end
if outcome == "failure" then failures = failures + 1 else successes = successes + 1 end
redis.call("HSET", KEYS[3], slot, second .. "," .. successes .. "," .. failures)
redis.call("PEXPIRE", KEYS[3], window * 2000)
if outcome ~= "failure" then return "closed" end

local calls, failed = 0, 0
for _, value in ipairs(redis.call("HVALS", KEYS[3])) do
  local at, s, f = string.match(value, "(%d+),(%d+),(%d+)")
  if second - tonumber(at) < window then
    calls = calls + tonumber(s) + tonumber(f)
    failed = failed + tonumber(f)
  end
end
if calls >= min_calls and failed / calls >= failure_rate then return open() end
return "closed"
