-- Learns from one answer's x-ratelimit-* headers: ARGV[4..7] = limit-requests, limit-tokens, remaining-requests,
-- remaining-tokens, each '' when absent (all four absent: an answer without headers, with no limit in sight);
-- ARGV[8] = '0' when the charge ratio is not to be learned (UPSTREAM_LEARN_CHARGE_RATIO=false: it stays 1).
-- Returns the charge ratio in force, in millionths. A learned
-- limit replaces the earlier one, and the buckets' capacities follow it at once.
-- What is left is read as a share of the upstream's limit and applied to our bucket of a burst: the headers tell
-- remaining per minute whatever window the upstream enforces (OpenAI's documented form; 600 of 1,200 left is half
-- the upstream's bucket whether that bucket is a minute or a second), so a bucket that holds 1 s of the limit keeps
-- at most that share of its capacity. A limit seen for the first time starts from that share. The share is kept
-- (in bucket tokens) with the time it was read: a settle may not give back more than that plus what refilled since,
-- less what was admitted since (settle.lua).
local now = now_us()
local s = load(KEYS[1], now)
local old_rpm, old_tpm = s.rpm, s.tpm
if tonumber(ARGV[4]) then s.learned_rpm = tonumber(ARGV[4]) end
if tonumber(ARGV[5]) then s.learned_tpm = tonumber(ARGV[5]) end
set_limits(s)
-- an answer without any limit (no headers at all, or limits of 0): the upstream has none, stop probing
if s.rpm == 0 and s.tpm == 0 then s.unmetered = 1 end
-- remaining as a share of the upstream's own limit (the reported one; else the effective one) times our capacity
local function share(remaining, upstream_limit, limit, cap)
  if not remaining then return nil end
  local of = upstream_limit
  if not of or of <= 0 then of = limit end
  if of <= 0 then return remaining end
  return math.max(0, cap * remaining / of)
end
local remaining_req = share(tonumber(ARGV[6]), tonumber(ARGV[4]) or s.learned_rpm, s.rpm, s.cap_req)
local remaining_tok = share(tonumber(ARGV[7]), tonumber(ARGV[5]) or s.learned_tpm, s.tpm, s.cap_tok)
if old_rpm == 0 and s.rpm > 0 then s.req = remaining_req or s.cap_req
elseif remaining_req then s.req = math.min(s.req, remaining_req) end
if old_tpm == 0 and s.tpm > 0 then s.tok = remaining_tok or s.cap_tok
elseif remaining_tok then s.tok = math.min(s.tok, remaining_tok) end
if s.rpm > 0 then s.req = math.min(s.req, s.cap_req) end
if s.tpm > 0 then s.tok = math.min(s.tok, s.cap_tok) end
-- The charge ratio. The upstream never says what it charged for a request, and its remaining tokens show a charge
-- only while its bucket is not full (a full bucket throws the refill away) and only in units of an unknown window. What
-- the share left does show, while the budget binds (claims wait for tokens, so Sluice sends at the limit as it counts
-- it): a share that stays full or grows means the upstream charges less than Sluice reserves, so reservations shrink
-- (0.5 % a second); a share that falls means it charges more, so they grow (1 % a second). "Full" is 97 %, or the
-- highest share seen less 0.5 % if that is lower (and at least half): a header is read just after its own request
-- was charged, and where one request is a large part of the upstream's bucket (a 1 s window, a low tier) a full
-- bucket reads below 97 %. The share is smoothed over about 2 s and 10 s and "falls" or "grows" is the fast one
-- against the slow one. That sees an upstream whose bucket is short (1 s, 10 s); a bucket of a whole minute moves too
-- slowly for it (8 % over the limit empties it by 0.13 % a second), so the 10 s share is also held against a third,
-- smoothed over about a minute: 0.3 % below it and still falling (the 2 s share below the 10 s one), reservations
-- grow, 0.3 % above it and still rising, they shrink, both by 0.1 % a second. "Still" matters: the minute's share
-- lags, and without it the ratio swings past its mark and back (0.88 to 1.05 over two minutes in a model of this
-- loop). Twice those speeds (1 % and 2 % a second, before) swung the ratio 8 % either side of its mark against a
-- 10 s window (97.5 % of the limit); these leave it nearer (99.5 % in the model). Bounded to 0.5 .. 2. Shared by every worker through this hash; the share clamp above keeps the bucket within
-- what the upstream has left meanwhile.
local raw_tok = tonumber(ARGV[7])
if ARGV[8] == '0' then
  s.ratio, s.ratio_at, s.f_fast, s.f_slow, s.f_long, s.f_top, raw_tok = 1, nil, nil, nil, nil, nil, nil
end
local tok_of = tonumber(ARGV[5]) or s.learned_tpm
if not tok_of or tok_of <= 0 then tok_of = s.tpm end
if raw_tok and tok_of > 0 then
  local f = math.min(1, math.max(0, raw_tok / tok_of))
  if not s.ratio_at or not s.f_fast then
    s.f_fast, s.f_slow, s.f_long, s.f_top = f, f, f, f
  else
    local dt = math.min(2, math.max(0, now - s.ratio_at) / 1000000)
    s.f_fast = s.f_fast + (1 - math.exp(-dt / 2)) * (f - s.f_fast)
    s.f_slow = s.f_slow + (1 - math.exp(-dt / 10)) * (f - s.f_slow)
    s.f_long = s.f_long + (1 - math.exp(-dt / 60)) * (f - s.f_long)
    s.f_top = math.max(s.f_top, s.f_fast)
    if now - s.starved_at < 1000000 and dt > 0 then
      local full = 0.97
      if s.f_top >= 0.5 then full = math.min(full, s.f_top - 0.005) end
      if s.f_fast >= full or s.f_fast > s.f_slow + 0.02 then
        s.ratio = s.ratio * math.exp(-0.005 * dt)
      elseif s.f_fast < s.f_slow - 0.02 then
        s.ratio = s.ratio * math.exp(0.01 * dt)
      elseif s.f_slow < s.f_long - 0.003 and s.f_fast < s.f_slow then
        s.ratio = s.ratio * math.exp(0.001 * dt)
      elseif s.f_slow > s.f_long + 0.003 and s.f_fast > s.f_slow then
        s.ratio = s.ratio * math.exp(-0.001 * dt)
      end
      s.ratio = math.min(2, math.max(0.5, s.ratio))
    end
  end
  s.ratio_at = now
end
if remaining_req then s.hdr_req, s.hdr_req_at = remaining_req, now end
if remaining_tok then s.hdr_tok, s.hdr_tok_at, s.hdr_tok_taken = remaining_tok, now, 0 end
save(KEYS[1], s, now)
return math.floor(s.ratio * 1000000 + 0.5)
