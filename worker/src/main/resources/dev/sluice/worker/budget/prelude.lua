-- Shared by every budget script. One hash per upstream and model:
--   learned_rpm, learned_tpm  limits read from the upstream's x-ratelimit-limit-* headers
--   req, tok                  what is left in the two buckets (refilling continuously at limit per 60 s)
--   at                        when req and tok were last brought up to date (Redis time, microseconds)
--   cool_until                no request may start before this (Redis time, microseconds), set by a 429
-- ARGV[1], ARGV[2] are always the configured rpm and tpm (0 = not configured). The effective limit is the lower of
-- configured and learned; 0 means unknown, which admits everything until the upstream tells us its limits.
local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function limit_of(configured, learned)
  configured = tonumber(configured) or 0
  learned = tonumber(learned) or 0
  if configured > 0 and learned > 0 then return math.min(configured, learned) end
  if configured > 0 then return configured end
  return learned
end
local function load(key, now)
  local h = redis.call('HMGET', key, 'learned_rpm', 'learned_tpm', 'req', 'tok', 'at', 'cool_until')
  local s = { learned_rpm = tonumber(h[1]) or 0, learned_tpm = tonumber(h[2]) or 0, cool = tonumber(h[6]) or 0 }
  s.rpm = limit_of(ARGV[1], s.learned_rpm)
  s.tpm = limit_of(ARGV[2], s.learned_tpm)
  local elapsed = math.max(0, now - (tonumber(h[5]) or now))
  s.req = tonumber(h[3]) or s.rpm
  s.tok = tonumber(h[4]) or s.tpm
  if s.rpm > 0 then s.req = math.min(s.rpm, s.req + elapsed * s.rpm / 60000000) end
  if s.tpm > 0 then s.tok = math.min(s.tpm, s.tok + elapsed * s.tpm / 60000000) end
  return s
end
local function save(key, s, now)
  redis.call('HSET', key, 'req', string.format('%.6f', s.req), 'tok', string.format('%.6f', s.tok),
    'at', string.format('%.0f', now), 'cool_until', string.format('%.0f', s.cool),
    'learned_rpm', string.format('%.0f', s.learned_rpm), 'learned_tpm', string.format('%.0f', s.learned_tpm))
  -- learned limits outlive a quiet night: a week
  redis.call('PEXPIRE', key, 604800000)
end
