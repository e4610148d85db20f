/**
 * The fleet's {@link dev.netcode.fleet.ServerDirectory} in Redis:
 * {@link dev.netcode.fleet.redis.RedisServerDirectory} runs one Lua script per operation (announce,
 * withdraw, reserve, servers), each atomic and timed by Redis' own clock, through a
 * {@link dev.netcode.fleet.redis.RedisScriptExecutor}: {@link dev.netcode.fleet.redis.LettuceScriptExecutor}
 * here (lettuce-core is an optional dependency), Spring Data Redis in the starter.
 */
package dev.netcode.fleet.redis;
