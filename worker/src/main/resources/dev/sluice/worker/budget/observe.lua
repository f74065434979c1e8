-- Learns from one answer's x-ratelimit-* headers: ARGV[3..6] = limit-requests, limit-tokens, remaining-requests,
-- remaining-tokens, each '' when absent. A learned limit replaces the earlier one; what is left never exceeds
-- what the upstream says is left. A limit seen for the first time starts from the upstream's remaining.
local now = now_us()
local s = load(KEYS[1], now)
local old_rpm, old_tpm = s.rpm, s.tpm
if tonumber(ARGV[3]) then s.learned_rpm = tonumber(ARGV[3]) end
if tonumber(ARGV[4]) then s.learned_tpm = tonumber(ARGV[4]) end
s.rpm = limit_of(ARGV[1], s.learned_rpm)
s.tpm = limit_of(ARGV[2], s.learned_tpm)
local remaining_req, remaining_tok = tonumber(ARGV[5]), tonumber(ARGV[6])
if old_rpm == 0 and s.rpm > 0 then s.req = remaining_req or s.rpm
elseif remaining_req then s.req = math.min(s.req, remaining_req) end
if old_tpm == 0 and s.tpm > 0 then s.tok = remaining_tok or s.tpm
elseif remaining_tok then s.tok = math.min(s.tok, remaining_tok) end
if s.rpm > 0 then s.req = math.min(s.req, s.rpm) end
if s.tpm > 0 then s.tok = math.min(s.tok, s.tpm) end
save(KEYS[1], s, now)
return 0
