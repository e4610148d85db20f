package dev.netcode.fleet.redis;

import java.util.List;

/**
 * Runs one of the directory's Lua scripts on Redis through whatever client the application has:
 * {@link LettuceScriptExecutor} here, Spring Data Redis in the starter. Implementations are
 * thread-safe, try {@code EVALSHA} first and fall back to {@code EVAL} when Redis does not know the
 * script (after a restart).
 */
public interface RedisScriptExecutor extends AutoCloseable {

    /**
     * Runs {@code script} and returns its reply normalised: bulk and simple strings as
     * {@link String} (UTF-8), integers as {@link Long}, arrays as {@link List} of these, nil as
     * {@code null}.
     *
     * @throws dev.netcode.fleet.ServerDirectoryUnavailableException when Redis cannot be reached or
     *         does not answer within the client's timeout
     * @throws IllegalStateException with Redis' message when the script itself fails
     */
    Object execute(RedisScript script, List<String> keys, List<String> arguments);

    /** Releases what the executor opened itself (a connection it created); nothing by default. */
    @Override
    default void close() {
    }
}
