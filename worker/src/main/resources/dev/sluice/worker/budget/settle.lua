-- After an answer: gives back ARGV[4] tokens (negative takes more), the estimate minus what the upstream counted.
-- The upstream's headers are the truth about what it has left: a refund never raises the bucket above the last
-- x-ratelimit-remaining-tokens plus what refilled since it was read, less what was admitted since (the upstream
-- charges that too), nor above the capacity; a refund never lowers the bucket either.
local now = now_us()
local s = load(KEYS[1], now)
local tokens = tonumber(ARGV[4])
if s.tpm > 0 then
  if tokens <= 0 then
    s.tok = s.tok + tokens
  else
    local ceiling = s.cap_tok
    if s.hdr_tok_at then
      ceiling = math.min(ceiling,
        s.hdr_tok + math.max(0, now - s.hdr_tok_at) * s.tpm / 60000000 - s.hdr_tok_taken)
    end
    s.tok = math.max(s.tok, math.min(s.tok + tokens, ceiling))
  end
end
save(KEYS[1], s, now)
return 0
