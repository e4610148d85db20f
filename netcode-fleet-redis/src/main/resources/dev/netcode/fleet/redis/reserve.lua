-- Reserves one slot for a client on the first qualifying server with room, in the policy's order.
-- KEYS: P..'servers', P..'clients'. ARGV: prefix, client id, lifetime (ms), protocol id (16 hex),
-- policy ('pack' or 'spread'), fallback count, the 4 limits, the count of excluded server ids and
-- those ids (servers Java could not read), the count of labels and key/value pairs.
-- Reply: {0, expired, malformed} when no server has room, else {1, expired, malformed,
-- remaining lifetime (ms), the reserved server, up to fallback count more servers with room}.
local servers, clients = KEYS[1], KEYS[2]
local prefix, client, lifetime, protocol, policy = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local fallback_count = tonumber(ARGV[6])
local limits = read_limits(7)
local next_arg = 7 + LIMIT_ARGS
local excluded = {}
for i = 1, tonumber(ARGV[next_arg]) do
  excluded[ARGV[next_arg + i]] = true
end
next_arg = next_arg + tonumber(ARGV[next_arg]) + 1
local wanted = {}
for i = 1, tonumber(ARGV[next_arg]) do
  wanted[ARGV[next_arg + 2 * i - 1]] = ARGV[next_arg + 2 * i]
end

local now = now_ms()
local live, expired, malformed = live_servers(prefix, servers, clients, now, limits)
if live == nil then
  return { 0, expired, malformed }
end

-- The client's one reservation, if it still has one: a clients-hash entry whose reservation is
-- gone was not written by this script (they are removed together) and is counted malformed.
local held = redis.call('HGET', clients, client)
local held_expiry = nil
if held then
  local reserved = prefix .. 'reserved:' .. held
  if key_type(reserved) == 'zset' then
    held_expiry = redis.call('ZSCORE', reserved, client)
  end
  if held_expiry == nil then
    malformed = malformed + 1
    redis.call('HDEL', clients, client)
    held = nil
  else
    held_expiry = tonumber(held_expiry)
  end
end

local function qualifies(server)
  if server.protocol ~= protocol or excluded[server.id] then
    return false
  end
  for label, value in pairs(wanted) do
    if server.labels[label] ~= value then
      return false
    end
  end
  return true
end

local chosen = nil
local candidates = {}
for _, server in ipairs(live) do
  server.free = math.max(0, server.max_clients - server.connected - server.reserved)
  if qualifies(server) then
    if server.id == held then
      chosen = server -- its own reservation is counted in server.reserved: it still fits
    elseif server.free > 0 then
      candidates[#candidates + 1] = server
    end
  end
end

-- SelectionPolicy's orders: PACK by free slots, SPREAD by load (1 - free / max, the same double
-- Java computes), ties by id.
local function key_of(server)
  if policy == 'spread' then
    return 1.0 - server.free / server.max_clients
  end
  return server.free
end
table.sort(candidates, function(a, b)
  local ka, kb = key_of(a), key_of(b)
  if ka ~= kb then
    return ka < kb
  end
  return id_less(a.id, b.id)
end)

if held and chosen == nil then
  -- Its server no longer qualifies for this request: the reservation moves or goes.
  redis.call('ZREM', prefix .. 'reserved:' .. held, client)
  redis.call('HDEL', clients, client)
end
local first_fallback = 1
if chosen == nil then
  if #candidates == 0 then
    return { 0, expired, malformed }
  end
  chosen = candidates[1]
  first_fallback = 2
end

local expiry = now + lifetime
if held_expiry and chosen.id == held and held_expiry > expiry then
  expiry = held_expiry
end
redis.call('ZADD', prefix .. 'reserved:' .. chosen.id, expiry, client)
redis.call('HSET', clients, client, chosen.id)

local reply = { 1, expired, malformed, expiry - now, server_reply(chosen) }
for i = first_fallback, math.min(#candidates, first_fallback + fallback_count - 1) do
  reply[#reply + 1] = server_reply(candidates[i])
end
return reply
