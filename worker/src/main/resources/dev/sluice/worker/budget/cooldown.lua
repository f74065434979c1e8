-- A 429 rate_limit_exceeded: nobody starts a request before now + ARGV[4] ms, and the bucket the upstream named
-- (ARGV[5]: 'requests', 'tokens' or '') is empty, since the upstream says so.
local now = now_us()
local s = load(KEYS[1], now)
s.cool = math.max(s.cool, now + tonumber(ARGV[4]) * 1000)
if ARGV[5] == 'requests' then s.req = math.min(s.req, 0) end
if ARGV[5] == 'tokens' then s.tok = math.min(s.tok, 0) end
save(KEYS[1], s, now)
return 0
