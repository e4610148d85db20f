package dev.netcode.fleet.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.netcode.fleet.ServerDirectoryUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

/**
 * Runs the directory's scripts through Lettuce: {@code EVALSHA}, then {@code EVAL} when Redis does
 * not know the script (its cache is empty after every restart). Failures to reach Redis become
 * {@link ServerDirectoryUnavailableException}s naming the server's host and port, never the URI
 * (which may carry a password).
 */
public final class LettuceScriptExecutor implements RedisScriptExecutor {

    /**
     * Reconnect attempts back off from 10 ms to at most this, so that a restarted Redis is reached
     * again within about one heartbeat rather than Lettuce's default of up to 30 s.
     */
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

    private final String target;
    private final RedisClient client;
    private final ClientResources resources;
    private final boolean owned;
    private volatile StatefulRedisConnection<String, String> connection;
    private boolean closed;

    private LettuceScriptExecutor(String target, RedisClient client, ClientResources resources,
            StatefulRedisConnection<String, String> connection, boolean owned) {
        this.target = target;
        this.client = client;
        this.resources = resources;
        this.connection = connection;
        this.owned = owned;
    }

    /**
     * Runs the scripts on {@code connection}, which stays the caller's: {@link #close} leaves it open.
     */
    public LettuceScriptExecutor(StatefulRedisConnection<String, String> connection) {
        this("Redis", null, null, Objects.requireNonNull(connection, "connection"), false);
    }

    /**
     * A client and connection of its own for {@code redisUri}, closed by {@link #close}. It connects
     * on the first script, not here, so a server can start while Redis is down; every script fails
     * at once (no queueing) while it is disconnected, and it reconnects in the background.
     *
     * @param redisUri {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://...}
     * @param commandTimeout how long a script or a connection attempt may take before the directory
     *        counts as unavailable
     * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI or the timeout is not positive
     */
    public static LettuceScriptExecutor connect(String redisUri, Duration commandTimeout) {
        return connect(redisUri, null, commandTimeout);
    }

    /**
     * As {@link #connect(String, Duration)}, authenticating with {@code password} (Redis'
     * {@code requirepass}, or the default user's ACL password) when it is not {@code null}: for a
     * password kept out of the URI, such as one from an environment variable.
     */
    public static LettuceScriptExecutor connect(String redisUri, CharSequence password, Duration commandTimeout) {
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive, got " + commandTimeout);
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(Objects.requireNonNull(redisUri, "redisUri"));
        }
        catch (RuntimeException ex) {
            // Not echoed: a URI carries the password.
            throw new IllegalArgumentException(
                    "not a Redis URI; expected redis://[[user]:password@]host[:port][/database] or rediss://...");
        }
        uri.setTimeout(commandTimeout);
        if (password != null) {
            uri.setAuthentication(password);
        }
        ClientResources resources = ClientResources.builder()
            .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
            .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
        String target = uri.getHost() != null ? "Redis at " + uri.getHost() + ":" + uri.getPort()
                : "Redis at " + uri.getSocket();
        return new LettuceScriptExecutor(target, client, resources, null, true);
    }

    @Override
    public Object execute(RedisScript script, List<String> keys, List<String> arguments) {
        String[] keyArray = keys.toArray(String[]::new);
        String[] argumentArray = arguments.toArray(String[]::new);
        try {
            RedisCommands<String, String> commands = connection().sync();
            Object reply;
            try {
                reply = commands.evalsha(script.sha1(), ScriptOutputType.OBJECT, keyArray, argumentArray);
            }
            catch (RedisNoScriptException notCached) {
                reply = commands.eval(script.source(), ScriptOutputType.OBJECT, keyArray, argumentArray);
            }
            return normalise(reply);
        }
        catch (RedisCommandTimeoutException ex) {
            throw unavailable("did not answer " + script.name() + " in time", ex);
        }
        catch (RedisCommandExecutionException ex) {
            String message = String.valueOf(ex.getMessage());
            if (RedisScriptExecutor.isUnavailableError(message)) {
                throw unavailable("cannot run " + script.name() + " now", ex);
            }
            throw new IllegalStateException(target + " refused " + script.name() + ": " + message, ex);
        }
        catch (RedisException ex) {
            throw unavailable("could not run " + script.name(), ex);
        }
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the Lettuce script executor for " + target + " is closed");
            }
            if (connection == null) {
                try {
                    connection = client.connect();
                }
                catch (RedisException ex) {
                    throw unavailable("could not be connected to", ex);
                }
            }
            return connection;
        }
    }

    private ServerDirectoryUnavailableException unavailable(String what, RuntimeException ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // The innermost message says what went wrong (connection refused, timed out, WRONGPASS)
        // without the URI; Lettuce's own names the socket address at most.
        return new ServerDirectoryUnavailableException(target + " " + what + ": " + root.getMessage(), ex);
    }

    /** Lettuce's object output as the SPI promises it: String, Long, List of these, or null. */
    private static Object normalise(Object reply) {
        if (reply instanceof List<?> list) {
            List<Object> items = new ArrayList<>(list.size());
            for (Object item : list) {
                items.add(normalise(item));
            }
            return items;
        }
        if (reply instanceof Number number) {
            return number.longValue();
        }
        if (reply instanceof Boolean bool) {
            return bool ? 1L : null;
        }
        return reply == null ? null : reply.toString();
    }

    /** Closes the client and connection it opened itself; a borrowed connection stays open. */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (connection != null) {
                connection.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
