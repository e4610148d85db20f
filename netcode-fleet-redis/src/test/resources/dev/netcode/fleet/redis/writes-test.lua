-- A script that writes, for the out-of-memory test (Redis refuses a script's first write then).
return redis.call('INCR', KEYS[1])
