-- Learns from one answer's x-ratelimit-* headers: ARGV[4..7] = limit-requests, limit-tokens, remaining-requests,
-- remaining-tokens, each '' when absent (all four absent: an answer without headers, with no limit in sight). A learned limit replaces the earlier one, and the buckets' capacities
-- follow it at once; what is left never exceeds what the upstream says is left. A limit seen for the first time
-- starts from the upstream's remaining, but never above the burst capacity. The remaining values are kept with the
-- time they were read: a settle may not give back more than that plus what refilled since, less what was admitted
-- since (settle.lua).
local now = now_us()
local s = load(KEYS[1], now)
local old_rpm, old_tpm = s.rpm, s.tpm
if tonumber(ARGV[4]) then s.learned_rpm = tonumber(ARGV[4]) end
if tonumber(ARGV[5]) then s.learned_tpm = tonumber(ARGV[5]) end
set_limits(s)
-- an answer without any limit (no headers at all, or limits of 0): the upstream has none, stop probing
if s.rpm == 0 and s.tpm == 0 then s.unmetered = 1 end
local remaining_req, remaining_tok = tonumber(ARGV[6]), tonumber(ARGV[7])
if old_rpm == 0 and s.rpm > 0 then s.req = remaining_req or s.cap_req
elseif remaining_req then s.req = math.min(s.req, remaining_req) end
if old_tpm == 0 and s.tpm > 0 then s.tok = remaining_tok or s.cap_tok
elseif remaining_tok then s.tok = math.min(s.tok, remaining_tok) end
if s.rpm > 0 then s.req = math.min(s.req, s.cap_req) end
if s.tpm > 0 then s.tok = math.min(s.tok, s.cap_tok) end
if remaining_req then s.hdr_req, s.hdr_req_at = remaining_req, now end
if remaining_tok then s.hdr_tok, s.hdr_tok_at, s.hdr_tok_taken = remaining_tok, now, 0 end
save(KEYS[1], s, now)
return 0
