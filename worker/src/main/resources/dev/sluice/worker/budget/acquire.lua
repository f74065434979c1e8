-- Admits the longest prefix of a line of jobs: ARGV[4..] are pairs (tokens, reserve), where reserve is the share of
-- each bucket's capacity that must stay in it afterwards (0 for interactive jobs, the bulk reserve for batch jobs).
-- Each admitted job takes 1 request and its tokens times the charge ratio (what the upstream was learned to charge
-- per token Sluice estimates, observe.lua). Returns {admitted, wait_ms, too_large}: how many were admitted,
-- how long the next one must wait (0 when none waits), and the tpm limit when the next one can never fit (else 0).
local now = now_us()
local s = load(KEYS[1], now)
local admitted = 0
if s.cool > now then return { 0, math.ceil((s.cool - now) / 1000), 0 } end
if s.rpm == 0 and s.tpm == 0 and s.unmetered == 0 then
  -- nothing configured, nothing learned: a whole line sent blind could be a storm of 429s. One request goes ahead
  -- and the rest ask again every 50 ms until its headers are observed; another goes if none came back within 2 s.
  if s.probe_until > now then return { 0, 50, 0 } end
  s.probe_until = now + 2000000
  save(KEYS[1], s, now)
  return { 1, 0, 0 }
end
for i = 4, #ARGV, 2 do
  local estimate = tonumber(ARGV[i])
  local reserve = tonumber(ARGV[i + 1])
  if s.tpm > 0 and estimate > s.tpm then
    save(KEYS[1], s, now)
    return { admitted, 0, s.tpm }
  end
  local cost = estimate * s.ratio
  -- never ask for more than a full bucket: a job larger than the burst goes from a full bucket and leaves a debt,
  -- and a large batch job is not held back forever by the reserve
  local need_req = math.min(1 + reserve * s.cap_req, s.cap_req)
  local need_tok = math.min(cost + reserve * s.cap_tok, s.cap_tok)
  local wait_us = 0
  if s.rpm > 0 and s.req < need_req then
    wait_us = math.max(wait_us, (need_req - s.req) * 60000000 / s.rpm)
  end
  if s.tpm > 0 and s.tok < need_tok then
    wait_us = math.max(wait_us, (need_tok - s.tok) * 60000000 / s.tpm)
    s.starved_at = now
  end
  if wait_us > 0 then
    save(KEYS[1], s, now)
    return { admitted, math.max(1, math.ceil(wait_us / 1000)), 0 }
  end
  if s.rpm > 0 then s.req = s.req - 1 end
  if s.tpm > 0 then s.tok = s.tok - cost end
  s.hdr_tok_taken = s.hdr_tok_taken + cost
  admitted = admitted + 1
end
save(KEYS[1], s, now)
return { admitted, 0, 0 }
