-- Removes one server and the reservations held on it at once (a graceful shutdown).
-- KEYS: P..'servers', P..'clients'. ARGV: prefix, server id. Reply: the reservations released.
return drop_server(ARGV[1], KEYS[1], KEYS[2], ARGV[2])
