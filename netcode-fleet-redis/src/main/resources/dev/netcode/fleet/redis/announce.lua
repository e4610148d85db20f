-- Lists or refreshes one server until now + time to live and consumes the reservations of the
-- clients it reports connected (on whichever server they were reserved: a player may have
-- connected to a fallback), so that each player is counted once, as a reservation or a connection.
-- KEYS: P..'servers', P..'clients'. ARGV: prefix, server id, time to live (ms), protocol id (16
-- hex), addresses (space separated), maxClients, connected count, startedAt (epoch ms), the count
-- of labels and key/value pairs, then the connected client ids. Reply: reservations consumed.
local servers, clients = KEYS[1], KEYS[2]
local prefix, server_id = ARGV[1], ARGV[2]
local expiry = now_ms() + tonumber(ARGV[3])
local key = prefix .. 'server:' .. server_id

local fields = { 'protocol', ARGV[4], 'addresses', ARGV[5], 'maxClients', ARGV[6], 'connected', ARGV[7],
  'startedAt', ARGV[8] }
local label_count = tonumber(ARGV[9])
for i = 1, label_count do
  fields[#fields + 1] = 'label.' .. ARGV[9 + 2 * i - 1]
  fields[#fields + 1] = ARGV[9 + 2 * i]
end
-- Replaced, not merged: labels it no longer has go, and so does whatever else was at the key.
redis.call('DEL', key)
redis.call('HSET', key, unpack(fields))
-- PEXPIREAT from the same TIME as the listing's score: the hash lives exactly as long as the listing.
redis.call('PEXPIREAT', key, expiry)

-- Index keys of the wrong type are not ours to read: replaced, so the directory heals.
if key_type(servers) ~= 'zset' then
  redis.call('DEL', servers)
end
redis.call('ZADD', servers, expiry, server_id)
local clients_type = key_type(clients)
if clients_type ~= 'hash' then
  redis.call('DEL', clients)
  return 0
end

-- Nothing to consume in the common case: every client id is checked only when reservations exist.
local first_id = 9 + 2 * label_count + 1
if first_id > #ARGV or redis.call('HLEN', clients) == 0 then
  return 0
end
local consumed = 0
for first = first_id, #ARGV, CHUNK do
  local last = math.min(first + CHUNK - 1, #ARGV)
  local holders = redis.call('HMGET', clients, unpack(ARGV, first, last))
  for i = 1, last - first + 1 do
    local holder = holders[i]
    if holder then
      local client = ARGV[first + i - 1]
      local reserved = prefix .. 'reserved:' .. holder
      if key_type(reserved) == 'zset' then
        redis.call('ZREM', reserved, client)
      end
      redis.call('HDEL', clients, client)
      consumed = consumed + 1
    end
  end
end
return consumed
