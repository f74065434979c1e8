-- After an answer: gives back ARGV[4] tokens (negative takes more), the estimate minus what the upstream counted.
local now = now_us()
local s = load(KEYS[1], now)
if s.tpm > 0 then s.tok = math.min(s.cap_tok, s.tok + tonumber(ARGV[4])) end
save(KEYS[1], s, now)
return 0
