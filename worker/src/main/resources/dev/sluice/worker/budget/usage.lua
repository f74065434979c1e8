-- Learns the charge ratio of an upstream that has never sent an x-ratelimit-remaining-tokens header (some
-- OpenAI-compatible servers send none) from what is left to learn from: its answers' usage and its 429s. ARGV[4] =
-- the tokens Sluice reserved for one answered call (before the ratio), ARGV[5] = that call counted as the upstream
-- counted its prompt (usage.prompt_tokens) plus the output cap, ARGV[6] = '0' when the ratio is not learned
-- (UPSTREAM_LEARN_CHARGE_RATIO=false). Returns the ratio in millionths.
-- OpenAI's rule (the default reservation: the characters / 4 and the output cap) overstates what a server that counts
-- prompts by tiktoken charges by a few per cent, and with no header to say so Sluice would pace that far below its
-- limit for good. So, while the budget binds, the ratio moves towards the upstream's own count per reserved token,
-- smoothed over about 50 answers (shrinking 0.2 % a second, growing 1 %; 0.5 to 2), but never below the floor a 429
-- of the tokens set. An upstream that does charge what Sluice reserves (OpenAI's rule itself) or counts still more is
-- overspent by that much, says so with a 429 once its bucket runs dry, and that moves the ratio back half way to 1
-- (or 1 % up, if more), where it shrinks no lower again (cooldown.lua). The output cap is charged whole, as
-- at admission: an upstream that charges only the output used is paced as if it charged the cap. A budget that has
-- read a tokens header learns from the headers instead (observe.lua).
local now = now_us()
local s = load(KEYS[1], now)
local reserved, counted = tonumber(ARGV[4]), tonumber(ARGV[5])
if ARGV[6] == '0' or s.hdr_tok_at or s.tpm <= 0 or not reserved or reserved <= 0 or not counted or counted < 0 then
  return math.floor(s.ratio * 1000000 + 0.5)
end
local u = counted / reserved
if s.u_ratio then s.u_ratio = s.u_ratio + 0.02 * (u - s.u_ratio) else s.u_ratio = u end
if s.u_at and now - s.starved_at < 1000000 then
  local dt = math.min(2, math.max(0, now - s.u_at) / 1000000)
  local mark = math.max(0.5, math.min(2, s.u_ratio), s.r_floor)
  if s.ratio > mark then
    s.ratio = math.max(mark, s.ratio * math.exp(-0.002 * dt))
  elseif s.ratio < mark then
    s.ratio = math.min(mark, s.ratio * math.exp(0.01 * dt))
  end
end
s.u_at = now
save(KEYS[1], s, now)
return math.floor(s.ratio * 1000000 + 0.5)
