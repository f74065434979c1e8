-- Takes 1 request and ARGV[3] tokens, or nothing. ARGV[4] is the share of each limit that must stay in the buckets
-- afterwards (0 for interactive jobs, the bulk reserve for batch jobs), so interactive jobs find room first.
-- Returns 0 when admitted, the milliseconds to wait when not, or -tpm when the tokens exceed the whole tpm limit.
local now = now_us()
local s = load(KEYS[1], now)
local cost = tonumber(ARGV[3])
local reserve = tonumber(ARGV[4])
if s.tpm > 0 and cost > s.tpm then return -s.tpm end
if s.cool > now then return math.ceil((s.cool - now) / 1000) end
local wait_us = 0
if s.rpm > 0 and s.req < 1 + reserve * s.rpm then
  wait_us = math.max(wait_us, (1 + reserve * s.rpm - s.req) * 60000000 / s.rpm)
end
if s.tpm > 0 and s.tok < cost + reserve * s.tpm then
  wait_us = math.max(wait_us, (cost + reserve * s.tpm - s.tok) * 60000000 / s.tpm)
end
if wait_us > 0 then
  save(KEYS[1], s, now)
  return math.max(1, math.ceil(wait_us / 1000))
end
if s.rpm > 0 then s.req = s.req - 1 end
if s.tpm > 0 then s.tok = s.tok - cost end
save(KEYS[1], s, now)
return 0
