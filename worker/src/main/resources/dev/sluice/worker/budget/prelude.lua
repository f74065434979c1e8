-- Shared by every budget script. One hash per upstream and model:
--   learned_rpm, learned_tpm  limits read from the upstream's x-ratelimit-limit-* headers
--   req, tok                  what is left in the two buckets (refilling continuously at limit per 60 s); tok may be
--                             negative: a debt left by a job larger than the bucket
--   at                        when req and tok were last brought up to date (Redis time, microseconds)
--   cool_until                no request may start before this (Redis time, microseconds), set by a 429
--   hdr_req, hdr_req_at       the last x-ratelimit-remaining-requests header as a share of our bucket (observe.lua),
--                             and when it was read (Redis time, us)
--   hdr_tok, hdr_tok_at       the same for x-ratelimit-remaining-tokens
--   hdr_tok_taken             tokens admitted since that header was read (the upstream has not seen them in it)
--   probe_until               with no limit configured or learned: one request went ahead to learn them, and the
--                             others wait until its headers come back or this time passes (Redis time, us)
--   unmetered                 1 once an answer came back without any limit: the upstream has none, admit everything
--   ratio, ratio_at           the charge ratio: upstream tokens per token Sluice reserves (1 until learned, 0.5 to 2),
--                             and when it was last moved (observe.lua); every reservation takes tokens * ratio
--   f_fast, f_slow, f_long    the upstream's remaining tokens as a share of its limit, smoothed over about 2 s,
--                             about 10 s and about a minute (observe.lua)
--   f_top                     the highest 2 s share seen: what a full upstream bucket reads (observe.lua)
--   named_rpm, named_tpm      a per-minute limit a 429's message named below the one in force (0: none): the upstream
--   named_rpm_until, ...      enforces that, whatever its headers or the configuration say; in force until the
--                             matching named_*_until (Redis time, us), 10 minutes after the last 429 that named it
--   starved_at                when a claim last had to wait for the tokens bucket (the budget binds; Redis time, us)
--   u_ratio, u_at             with no tokens header ever read: the usage answers reported per token Sluice reserved,
--                             smoothed, and when the ratio last moved towards it (usage.lua)
--   r_floor, r_step_at        with no tokens header ever read: the ratio a 429 of the tokens grew reservations to, below
--                             which they no longer shrink (0: none), and when (cooldown.lua)
-- ARGV[1], ARGV[2] are always the configured rpm and tpm (0 = not configured), ARGV[3] the burst in milliseconds.
-- The effective limit is the lower of configured and learned, or a lower one a 429 named; 0 means unknown. With both unknown, one request at a
-- time goes ahead until an answer tells us the limits (or that there are none: then everything is admitted). A bucket holds a burst, not a minute: limit * burst / 60 s (the requests bucket at
-- least one request), since an upstream may enforce its per-minute limits over much shorter windows. A new bucket
-- starts at that capacity, and a stored level above it (a limit just lowered) is cut to it at once.
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
-- sets the effective limits and the capacities of both buckets from ARGV and what was learned
local function set_limits(s)
  local burst_ms = tonumber(ARGV[3]) or 60000
  s.rpm = limit_of(ARGV[1], s.learned_rpm)
  s.tpm = limit_of(ARGV[2], s.learned_tpm)
  if s.named_rpm > 0 and s.named_rpm_until > s.now then s.rpm = limit_of(s.rpm, s.named_rpm) end
  if s.named_tpm > 0 and s.named_tpm_until > s.now then s.tpm = limit_of(s.tpm, s.named_tpm) end
  s.cap_req = 0
  s.cap_tok = 0
  if s.rpm > 0 then s.cap_req = math.max(1, s.rpm * burst_ms / 60000) end
  if s.tpm > 0 then s.cap_tok = math.max(1, s.tpm * burst_ms / 60000) end
end
local function load(key, now)
  local h = redis.call('HMGET', key, 'learned_rpm', 'learned_tpm', 'req', 'tok', 'at', 'cool_until',
    'hdr_req', 'hdr_req_at', 'hdr_tok', 'hdr_tok_at', 'hdr_tok_taken', 'probe_until', 'unmetered',
    'ratio', 'ratio_at', 'f_fast', 'f_slow', 'starved_at', 'f_long', 'f_top', 'u_ratio', 'u_at', 'r_floor', 'r_step_at',
    'named_rpm', 'named_rpm_until', 'named_tpm', 'named_tpm_until')
  local s = { learned_rpm = tonumber(h[1]) or 0, learned_tpm = tonumber(h[2]) or 0, cool = tonumber(h[6]) or 0,
    hdr_req = tonumber(h[7]), hdr_req_at = tonumber(h[8]), hdr_tok = tonumber(h[9]), hdr_tok_at = tonumber(h[10]),
    hdr_tok_taken = tonumber(h[11]) or 0, probe_until = tonumber(h[12]) or 0, unmetered = tonumber(h[13]) or 0,
    ratio = tonumber(h[14]) or 1, ratio_at = tonumber(h[15]), f_fast = tonumber(h[16]), f_slow = tonumber(h[17]),
    starved_at = tonumber(h[18]) or 0, f_long = tonumber(h[19]), f_top = tonumber(h[20]), u_ratio = tonumber(h[21]),
    u_at = tonumber(h[22]), r_floor = tonumber(h[23]) or 0, r_step_at = tonumber(h[24]) or 0,
    named_rpm = tonumber(h[25]) or 0, named_rpm_until = tonumber(h[26]) or 0, named_tpm = tonumber(h[27]) or 0,
    named_tpm_until = tonumber(h[28]) or 0, now = now }
  -- a hash from before the minute's share and the highest share were kept: start them from what is there
  s.f_long = s.f_long or s.f_slow
  s.f_top = s.f_top or s.f_fast
  set_limits(s)
  local elapsed = math.max(0, now - (tonumber(h[5]) or now))
  s.req = tonumber(h[3]) or s.cap_req
  s.tok = tonumber(h[4]) or s.cap_tok
  if s.rpm > 0 then s.req = math.min(s.cap_req, s.req + elapsed * s.rpm / 60000000) end
  if s.tpm > 0 then s.tok = math.min(s.cap_tok, s.tok + elapsed * s.tpm / 60000000) end
  return s
end
local function save(key, s, now)
  redis.call('HSET', key, 'req', string.format('%.6f', s.req), 'tok', string.format('%.6f', s.tok),
    'at', string.format('%.0f', now), 'cool_until', string.format('%.0f', s.cool),
    'learned_rpm', string.format('%.0f', s.learned_rpm), 'learned_tpm', string.format('%.0f', s.learned_tpm),
    'probe_until', string.format('%.0f', s.probe_until), 'unmetered', string.format('%.0f', s.unmetered))
  if s.hdr_req_at then
    redis.call('HSET', key, 'hdr_req', string.format('%.0f', s.hdr_req), 'hdr_req_at', string.format('%.0f', s.hdr_req_at))
  end
  if s.hdr_tok_at then
    redis.call('HSET', key, 'hdr_tok', string.format('%.0f', s.hdr_tok), 'hdr_tok_at', string.format('%.0f', s.hdr_tok_at),
      'hdr_tok_taken', string.format('%.0f', s.hdr_tok_taken))
  end
  -- the ratio and the smoothed shares move by a millionth or less per answer when answers come every millisecond:
  -- kept at full precision, or rounding would stop them
  redis.call('HSET', key, 'ratio', string.format('%.17g', s.ratio), 'starved_at', string.format('%.0f', s.starved_at))
  if s.ratio_at then
    redis.call('HSET', key, 'ratio_at', string.format('%.0f', s.ratio_at), 'f_fast', string.format('%.17g', s.f_fast),
      'f_slow', string.format('%.17g', s.f_slow), 'f_long', string.format('%.17g', s.f_long),
      'f_top', string.format('%.17g', s.f_top))
  end
  if s.u_at then
    redis.call('HSET', key, 'u_ratio', string.format('%.17g', s.u_ratio), 'u_at', string.format('%.0f', s.u_at))
  end
  if s.named_rpm > 0 or s.named_tpm > 0 then
    redis.call('HSET', key, 'named_rpm', string.format('%.0f', s.named_rpm),
      'named_rpm_until', string.format('%.0f', s.named_rpm_until), 'named_tpm', string.format('%.0f', s.named_tpm),
      'named_tpm_until', string.format('%.0f', s.named_tpm_until))
  end
  if s.r_step_at > 0 then
    redis.call('HSET', key, 'r_floor', string.format('%.17g', s.r_floor), 'r_step_at', string.format('%.0f', s.r_step_at))
  end
  -- learned limits outlive a quiet night: a week
  redis.call('PEXPIRE', key, 604800000)
end
