-- Keeps Redis busy for ARGV[1] ms, for LettuceScriptExecutorTest's timeout.
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
local deadline = now() + tonumber(ARGV[1])
while now() < deadline do
end
return 1
