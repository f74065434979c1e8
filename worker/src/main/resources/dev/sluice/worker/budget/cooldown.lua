-- A 429 rate_limit_exceeded: nobody starts a request before now + ARGV[4] ms, and the bucket the upstream named
-- (ARGV[5]: 'requests', 'tokens' or '') is empty, since the upstream says so. ARGV[6] is the limit the 429's message
-- named for that bucket ('' when it named none): an upstream that sends no x-ratelimit-* headers still says its limit
-- there (OpenAI: "... on tokens per min (TPM): Limit 30000, Used 29950, Requested 1200"). When no limit is known for
-- that bucket (none configured, none in any header) it is learned as a header's would be, so the next requests are
-- paced instead of sent blind into more 429s. A named limit below the one in force, but at least half of it, is what
-- the upstream enforces, whatever its headers or the configuration say (an upstream whose headers report more than it
-- enforces is paced at what it enforces once its bucket runs dry): it holds for 10 minutes from the last 429 that
-- named it, then the headers and the configuration count again. One below half is more likely a message misread than
-- a limit, and pacing at it would starve the model for 10 minutes; a higher one changes nothing (the lower binds).
-- A 429 of the tokens from an upstream that has never sent a tokens header, once usage has moved the ratio
-- (usage.lua): Sluice's reservations went below what it charges. The ratio goes back half way to 1 (what OpenAI's
-- rule reserves), or 1 % up if that is more, and shrinks no lower again: a few steps that end just above what the
-- upstream charges (3 % steps ended 2.5 % above it against OpenAI's rule itself: 97.5 % of its limit for good). The
-- calls in flight when the upstream's bucket ran dry answer 429 together, so once in 5 s at most. ARGV[7] = '0' when
-- the ratio is not learned.
local now = now_us()
local s = load(KEYS[1], now)
s.cool = math.max(s.cool, now + tonumber(ARGV[4]) * 1000)
local named = tonumber(ARGV[6])
if named and named > 0 then
  if ARGV[5] == 'requests' then
    if s.rpm == 0 then s.learned_rpm = named
    elseif named <= s.rpm and named >= s.rpm / 2 then s.named_rpm, s.named_rpm_until = named, now + 600000000 end
  end
  if ARGV[5] == 'tokens' then
    if s.tpm == 0 then s.learned_tpm = named
    elseif named <= s.tpm and named >= s.tpm / 2 then s.named_tpm, s.named_tpm_until = named, now + 600000000 end
  end
  set_limits(s)
end
if ARGV[5] == 'tokens' and ARGV[7] ~= '0' and not s.hdr_tok_at and s.u_at and now - s.r_step_at > 5000000 then
  s.ratio = math.min(2, math.max(s.ratio * 1.01, (s.ratio + 1) / 2))
  s.r_floor, s.r_step_at = s.ratio, now
end
if ARGV[5] == 'requests' then s.req = math.min(s.req, 0) end
if ARGV[5] == 'tokens' then s.tok = math.min(s.tok, 0) end
if s.rpm > 0 then s.req = math.min(s.req, s.cap_req) end
if s.tpm > 0 then s.tok = math.min(s.tok, s.cap_tok) end
save(KEYS[1], s, now)
return 0
