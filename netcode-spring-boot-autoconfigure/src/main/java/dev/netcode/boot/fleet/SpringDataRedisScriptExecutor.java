package dev.netcode.boot.fleet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisScriptingCommands;
import org.springframework.data.redis.connection.ReturnType;

import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.fleet.redis.RedisScript;
import dev.netcode.fleet.redis.RedisScriptExecutor;

/**
 * Runs the fleet directory's scripts through the application's {@link RedisConnectionFactory}
 * (Lettuce or Jedis, standalone, sentinel or cluster, as {@code spring.data.redis.*} configures
 * it): {@code EVALSHA} first, {@code EVAL} when Redis answers {@code NOSCRIPT} (after a restart or
 * a {@code SCRIPT FLUSH}). Thread-safe; it takes a connection per call and closes it, which with
 * Lettuce's default shared connection costs nothing. {@link #close()} leaves the factory alone: it
 * belongs to the application.
 *
 * <p>Spring Data Redis reads a script's reply by a type given in advance, and reads any scalar as a
 * one-element list when asked for a list. So each script runs wrapped in a function whose result is
 * returned as the only element of a table (none for nil); the error line numbers of the script
 * stay its own.
 *
 * <p>Failures: when Redis cannot be reached, does not answer in time
 * ({@code spring.data.redis.timeout}: with Lettuce, commands wait that long for a lost connection
 * to come back, 60 s unless set) or is there but not usable now
 * ({@link RedisScriptExecutor#isUnavailableError}), a
 * {@link ServerDirectoryUnavailableException}; when Redis refuses the script otherwise, an
 * {@link IllegalStateException} with Redis' message.
 */
public final class SpringDataRedisScriptExecutor implements RedisScriptExecutor {

    private final RedisConnectionFactory connectionFactory;

    /** Each script as run, by the SHA-1 of its own source. */
    private final Map<String, RedisScript> wrapped = new ConcurrentHashMap<>();

    public SpringDataRedisScriptExecutor(RedisConnectionFactory connectionFactory) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
    }

    @Override
    public @Nullable Object execute(RedisScript script, List<String> keys, List<String> arguments) {
        RedisScript run = this.wrapped.computeIfAbsent(script.sha1(), (sha1) -> wrap(script));
        byte[][] keysAndArguments = new byte[keys.size() + arguments.size()][];
        int i = 0;
        for (String key : keys) {
            keysAndArguments[i++] = key.getBytes(StandardCharsets.UTF_8);
        }
        for (String argument : arguments) {
            keysAndArguments[i++] = argument.getBytes(StandardCharsets.UTF_8);
        }
        try (RedisConnection connection = this.connectionFactory.getConnection()) {
            List<?> reply = evaluate(connection.scriptingCommands(), run, keys.size(), keysAndArguments);
            return reply.isEmpty() ? null : normalise(reply.get(0));
        }
        catch (DataAccessException ex) {
            String errorReply = errorReply(ex);
            if (errorReply == null) {
                throw new ServerDirectoryUnavailableException("Redis could not run " + script.name() + ": "
                        + causes(ex), ex);
            }
            if (RedisScriptExecutor.isUnavailableError(errorReply)) {
                throw new ServerDirectoryUnavailableException("Redis cannot run " + script.name() + " now: "
                        + errorReply, ex);
            }
            throw new IllegalStateException("Redis refused " + script.name() + ": " + errorReply, ex);
        }
    }

    private static List<?> evaluate(RedisScriptingCommands scripting, RedisScript script, int keyCount,
            byte[][] keysAndArguments) {
        try {
            return Objects.requireNonNull(scripting.evalSha(script.sha1(), ReturnType.MULTI, keyCount, keysAndArguments));
        }
        catch (DataAccessException ex) {
            String errorReply = errorReply(ex);
            if (errorReply == null || !errorReply.startsWith("NOSCRIPT")) {
                throw ex;
            }
            // Redis does not have it (yet): EVAL sends the source, and caches it for the next EVALSHA.
            return Objects.requireNonNull(scripting.eval(script.source().getBytes(StandardCharsets.UTF_8),
                    ReturnType.MULTI, keyCount, keysAndArguments));
        }
    }

    /**
     * Redis' error reply ({@code NOSCRIPT No matching script...}) when Redis answered with one;
     * {@code null} when it could not be reached or did not answer.
     */
    private static @Nullable String errorReply(DataAccessException ex) {
        if (ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException) {
            return null;
        }
        return ex.getMostSpecificCause().getMessage();
    }

    /**
     * The distinct messages of {@code ex} and its causes ("Unable to connect to Redis: Unable to
     * connect to 127.0.0.1:6379: Connection refused"). Spring Data's, Lettuce's and Jedis' messages
     * name the host and port at most, never a password.
     */
    private static String causes(Throwable ex) {
        StringBuilder text = new StringBuilder();
        String last = "";
        for (Throwable cause = ex; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank() && !last.contains(message)) {
                text.append((text.length() > 0) ? ": " : "").append(message);
                last = message;
            }
        }
        return (text.length() > 0) ? text.toString() : ex.getClass().getName();
    }

    /** Bulk and status replies as UTF-8 strings, integers as longs, arrays as lists of these. */
    private static @Nullable Object normalise(@Nullable Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (reply instanceof List<?> list) {
            List<@Nullable Object> items = new ArrayList<>(list.size());
            for (Object item : list) {
                items.add(normalise(item));
            }
            return items;
        }
        return reply;
    }

    /**
     * {@code script} inside a function whose result is returned as the only element of a table.
     * The function starts on the script's first line (after a {@code #!} line, which must stay
     * first), so Redis reports the script's own line numbers.
     */
    static RedisScript wrap(RedisScript script) {
        String source = script.source();
        String shebang = "";
        if (source.startsWith("#!")) {
            int end = source.indexOf('\n');
            shebang = (end < 0) ? source + "\n" : source.substring(0, end + 1);
            source = (end < 0) ? "" : source.substring(end + 1);
        }
        String wrappedSource = shebang + "local function netcode_fleet_script() " + source
                + "\nend\nreturn { netcode_fleet_script() }\n";
        return RedisScript.of(script.name(), wrappedSource);
    }

}
