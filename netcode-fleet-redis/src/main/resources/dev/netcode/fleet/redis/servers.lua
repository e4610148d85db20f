-- The live servers, after dropping lapsed servers and reservations.
-- KEYS: P..'servers', P..'clients'. ARGV: prefix, the 4 limits.
-- Reply: {expired, malformed, server...} (servers in no particular order).
local live, expired, malformed = live_servers(ARGV[1], KEYS[1], KEYS[2], now_ms(), read_limits(2))
local reply = { expired, malformed }
for _, server in ipairs(live or {}) do
  reply[#reply + 1] = server_reply(server)
end
return reply
