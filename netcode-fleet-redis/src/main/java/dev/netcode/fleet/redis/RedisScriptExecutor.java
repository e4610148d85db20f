package dev.netcode.fleet.redis;

import java.util.List;

/**
 * Runs one of the directory's Lua scripts on Redis through whatever client the application has:
 * {@link LettuceScriptExecutor} here, Spring Data Redis in the starter. Implementations are
 * thread-safe, try {@code EVALSHA} first and fall back to {@code EVAL} when Redis does not know the
 * script (after a restart).
 */
public interface RedisScriptExecutor extends AutoCloseable {

    /** The error codes {@link #isUnavailableError} recognises. */
    List<String> UNAVAILABLE_ERROR_PREFIXES = List.of("LOADING", "BUSY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN",
            "READONLY", "OOM", "MISCONF", "NOAUTH", "WRONGPASS", "NOPERM");

    /**
     * Runs {@code script} and returns its reply normalised: bulk and simple strings as
     * {@link String} (UTF-8), integers as {@link Long}, arrays as {@link List} of these, nil as
     * {@code null}.
     *
     * @throws dev.netcode.fleet.ServerDirectoryUnavailableException when Redis cannot be reached,
     *         does not answer within the client's timeout, or answers an error that
     *         {@link #isUnavailableError} says makes it unusable for now
     * @throws IllegalStateException with Redis' message when the script itself fails
     */
    Object execute(RedisScript script, List<String> keys, List<String> arguments);

    /**
     * Whether Redis' error reply means it is there but cannot serve the directory now, whatever the
     * script: starting ({@code LOADING}), busy, failing over ({@code MASTERDOWN}, {@code CLUSTERDOWN},
     * {@code TRYAGAIN}, {@code READONLY}), out of memory or unable to persist ({@code OOM},
     * {@code MISCONF}), or refusing this client ({@code NOAUTH}, {@code WRONGPASS}, {@code NOPERM}: an
     * ACL that does not allow the scripts). Issuers answer those like an unreachable Redis (503, health
     * DOWN with the reply), never with an error of their own.
     */
    static boolean isUnavailableError(String errorReply) {
        for (String prefix : UNAVAILABLE_ERROR_PREFIXES) {
            if (errorReply.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Releases what the executor opened itself (a connection it created); nothing by default. */
    @Override
    default void close() {
    }
}
