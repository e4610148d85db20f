-- The directory's shared definitions: RedisScript.load prepends this file to each script.
--
-- Keys under the prefix P: P..'server:'..id HASH (one server's announcement), P..'servers' ZSET
-- (id -> listing expiry), P..'reserved:'..id ZSET (client id -> reservation expiry), P..'clients'
-- HASH (client id -> id of the server it holds its one reservation on). Every time is Redis' own
-- (TIME, in ms), so hosts with skewed clocks agree. Client and protocol ids stay strings: Lua
-- numbers are doubles and would lose the low bits of a u64.
--
-- Redis sets LC_COLLATE from its environment, so Lua's '<' on strings is locale-dependent: ids are
-- compared byte by byte instead, the order Java's String.compareTo gives for the ASCII ids allowed.

-- unpack() takes at most a few thousand values: long argument lists go to Redis in chunks.
local CHUNK = 1000

local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function key_type(key)
  return redis.call('TYPE', key)['ok']
end

local function id_less(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

-- Letters, digits, '.', '_', ':' and '-', 1 to 64 of them (ServerAnnouncement's rule).
local function valid_id(id)
  return #id >= 1 and #id <= 64 and string.find(id, '^[A-Za-z0-9%._:%-]+$') ~= nil
end

-- A non-negative decimal of at most max_digits digits, as a number; nil otherwise (also for the
-- false that HMGET gives for a missing field).
local function small_number(text, max_digits)
  if type(text) ~= 'string' or #text > max_digits or string.find(text, '^%d+$') == nil then
    return nil
  end
  return tonumber(text)
end

-- Sixteen hex digits, as Java writes a u64 protocol id (compared as a string, never a number).
local function valid_protocol(text)
  return type(text) == 'string' and #text == 16 and string.find(text, '^%x+$') ~= nil
end

-- Slots and connected clients as numbers, or nil when out of range.
local function read_slots(max_text, connected_text, limits)
  local max_clients = small_number(max_text, 5)
  if max_clients == nil or max_clients < 1 or max_clients > limits.max_clients then
    return nil
  end
  local connected = small_number(connected_text, 5)
  if connected == nil or connected > max_clients then
    return nil
  end
  return max_clients, connected
end

local function valid_address(address)
  local a, b, c, d, port = string.match(address, '^(%d+)%.(%d+)%.(%d+)%.(%d+):(%d+)$')
  if a == nil then
    local host
    host, port = string.match(address, '^%[([%x:%.]+)%]:(%d+)$')
    if host == nil or #host > 45 or string.find(host, ':') == nil then
      return false
    end
  else
    for _, octet in ipairs({ a, b, c, d }) do
      local value = small_number(octet, 3)
      if value == nil or value > 255 then
        return false
      end
    end
  end
  local value = small_number(port, 5)
  return value ~= nil and value <= 65535
end

-- Limits come from Java (ServerConfig, NetcodeProtocol, ServerAnnouncement) so they are defined once.
local function read_limits(first)
  return {
    max_clients = tonumber(ARGV[first]),
    max_addresses = tonumber(ARGV[first + 1]),
    max_labels = tonumber(ARGV[first + 2]),
    max_label_bytes = tonumber(ARGV[first + 3]),
  }
end
local LIMIT_ARGS = 4

-- One server's hash as a table, or nil when it does not read as a server announced by us: wrong
-- type, too many fields, a field missing or out of range. Unknown fields are ignored.
local function read_server(key, limits)
  if key_type(key) ~= 'hash' then
    return nil
  end
  if redis.call('HLEN', key) > 8 + limits.max_labels then
    return nil
  end
  local flat = redis.call('HGETALL', key)
  local fields, labels, label_count = {}, {}, 0
  for i = 1, #flat, 2 do
    local field, value = flat[i], flat[i + 1]
    if string.sub(field, 1, 6) == 'label.' then
      local label = string.sub(field, 7)
      if #label == 0 or #label > limits.max_label_bytes or #value > limits.max_label_bytes then
        return nil
      end
      label_count = label_count + 1
      labels[label] = value
    else
      fields[field] = value
    end
  end
  if label_count > limits.max_labels then
    return nil
  end
  local protocol = fields['protocol']
  local max_clients, connected = read_slots(fields['maxClients'], fields['connected'], limits)
  if not valid_protocol(protocol) or max_clients == nil then
    return nil
  end
  local started_at = fields['startedAt']
  if started_at == nil or #started_at > 18 or string.find(started_at, '^%-?%d+$') == nil then
    return nil
  end
  local addresses = fields['addresses']
  if addresses == nil or #addresses > limits.max_addresses * 48 then
    return nil
  end
  local address_count = 0
  for address in string.gmatch(addresses, '[^ ]+') do
    address_count = address_count + 1
    if address_count > limits.max_addresses or not valid_address(address) then
      return nil
    end
  end
  if address_count == 0 then
    return nil
  end
  return {
    protocol = protocol,
    addresses = addresses,
    max_clients = max_clients,
    connected = connected,
    started_at = started_at,
    labels = labels,
  }
end

-- Only what reserve orders servers by (protocol, slots, the labels asked for), or nil when that
-- does not read as a server's: one HMGET per server and call. The rest is read (read_server) only
-- for the servers a reply carries.
local function read_summary(key, limits, label_names)
  local fields = { 'protocol', 'maxClients', 'connected' }
  -- Asked for more labels than a server may carry, no server qualifies: they are left unread
  -- (missing), and HMGET is not handed more values than unpack() can take.
  if #label_names <= limits.max_labels then
    for _, name in ipairs(label_names) do
      fields[#fields + 1] = 'label.' .. name
    end
  end
  local values = redis.pcall('HMGET', key, unpack(fields))
  if values['err'] then
    return nil
  end
  local max_clients, connected = read_slots(values[2], values[3], limits)
  if not valid_protocol(values[1]) or max_clients == nil then
    return nil
  end
  local labels = {}
  for i, name in ipairs(label_names) do
    labels[name] = values[3 + i]
  end
  return { protocol = values[1], max_clients = max_clients, connected = connected, labels = labels }
end

-- What Java's reply parser reads for one server: id, protocol, addresses, maxClients, connected,
-- reserved, startedAt, then label key/value pairs.
local function server_reply(server)
  local reply = { server.id, server.protocol, server.addresses, server.max_clients, server.connected,
    server.reserved, server.started_at }
  for label, value in pairs(server.labels) do
    reply[#reply + 1] = label
    reply[#reply + 1] = value
  end
  return reply
end

-- Deletes the clients-hash entries among members that still point at server_id.
local function release_clients(clients, server_id, members)
  for first = 1, #members, CHUNK do
    local last = math.min(first + CHUNK - 1, #members)
    local holders = redis.call('HMGET', clients, unpack(members, first, last))
    for i = 1, last - first + 1 do
      if holders[i] == server_id then
        redis.call('HDEL', clients, members[first + i - 1])
      end
    end
  end
end

-- Removes a server and every reservation on it; returns how many reservations went with it.
local function drop_server(prefix, servers, clients, server_id)
  local reserved = prefix .. 'reserved:' .. server_id
  local released = 0
  if key_type(reserved) == 'zset' then
    local members = redis.call('ZRANGE', reserved, 0, -1)
    released = #members
    if key_type(clients) == 'hash' then
      release_clients(clients, server_id, members)
    end
  end
  redis.call('DEL', reserved, prefix .. 'server:' .. server_id)
  if key_type(servers) == 'zset' then
    redis.call('ZREM', servers, server_id)
  end
  return released
end

-- Drops lapsed servers and reservations, then reads each live server with read(key), which returns
-- nil for an entry that does not read as a server. Returns the servers read (each with its id and
-- reserved count), how many reservations lapsed and how many entries were malformed; nil for the
-- servers when the index keys themselves have the wrong type.
local function live_servers(prefix, servers, clients, now, read)
  local expired, malformed = 0, 0
  local servers_type, clients_type = key_type(servers), key_type(clients)
  if (servers_type ~= 'zset' and servers_type ~= 'none') or (clients_type ~= 'hash' and clients_type ~= 'none') then
    return nil, 0, 1
  end
  local lapsed = redis.call('ZRANGEBYSCORE', servers, '-inf', now)
  for _, server_id in ipairs(lapsed) do
    expired = expired + drop_server(prefix, servers, clients, server_id)
  end
  local live = {}
  for _, server_id in ipairs(redis.call('ZRANGE', servers, 0, -1)) do
    local reserved = prefix .. 'reserved:' .. server_id
    local lapsed_clients = valid_id(server_id) and redis.pcall('ZRANGEBYSCORE', reserved, '-inf', now)
    if not lapsed_clients or lapsed_clients['err'] then
      malformed = malformed + 1 -- an id we would not write, or reservations that are not a ZSET
    else
      if #lapsed_clients > 0 then
        expired = expired + #lapsed_clients
        release_clients(clients, server_id, lapsed_clients)
        redis.call('ZREMRANGEBYSCORE', reserved, '-inf', now)
      end
      local server = read(prefix .. 'server:' .. server_id)
      if server == nil then
        malformed = malformed + 1
      else
        server.id = server_id
        server.reserved = redis.call('ZCARD', reserved)
        live[#live + 1] = server
      end
    end
  end
  return live, expired, malformed
end
