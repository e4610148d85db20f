return redis.error_reply('ERR the script says no')
