-- Lists or refreshes one server until now + time to live and consumes the reservations held on it
-- of the clients it reports connected: from now on each is counted as a connection. A reservation
-- on another server stays until it expires or that server reports the client: a player connected
-- here may be about to move there (a new arena, out of a lobby), and freeing its slot early would
-- let someone else take it. A player who connected to a fallback instead is counted twice until
-- then: a slot held too long, never one promised twice.
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
local reserved = prefix .. 'reserved:' .. server_id
local reserved_is_zset = key_type(reserved) == 'zset'
local consumed = 0
for first = first_id, #ARGV, CHUNK do
  local last = math.min(first + CHUNK - 1, #ARGV)
  local holders = redis.call('HMGET', clients, unpack(ARGV, first, last))
  for i = 1, last - first + 1 do
    if holders[i] == server_id then
      local client = ARGV[first + i - 1]
      if reserved_is_zset then
        redis.call('ZREM', reserved, client)
      end
      redis.call('HDEL', clients, client)
      consumed = consumed + 1
    end
  end
end
return consumed
