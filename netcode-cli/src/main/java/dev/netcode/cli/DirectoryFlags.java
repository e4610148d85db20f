package dev.netcode.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.fleet.redis.LettuceScriptExecutor;
import dev.netcode.fleet.redis.RedisServerDirectory;

/**
 * The flags that name the fleet directory in Redis, shared by {@code server}, {@code token} and
 * {@code fleet}: {@code --directory redis://HOST[:PORT]} and {@code --key-prefix P}. A CLI process
 * and a Spring application see the same fleet when they name the same Redis and prefix.
 *
 * @param uri {@code redis://HOST:PORT}, normalised (the default port filled in)
 * @param keyPrefix what every key of the directory starts with
 */
record DirectoryFlags(String uri, String keyPrefix) {

    /** The flags, for a command's set of once-only flags. */
    static final Set<String> FLAGS = Set.of("directory", "key-prefix");

    /** Redis' own default port, when the URI gives none. */
    static final int DEFAULT_PORT = 6379;

    /** The environment variable a Redis password is read from: never a flag, which {@code ps} would show. */
    static final String PASSWORD_ENVIRONMENT_VARIABLE = "NETCODE_REDIS_PASSWORD";

    /**
     * How long one call to Redis may take before the directory counts as unreachable: a token
     * minter fails within it, a server's heartbeat gives up and tries again at the next one.
     */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The flags given, or {@code null} without {@code --directory}.
     *
     * @param fleetFlags the command's other flags that only mean something with a directory: an
     *        error without it, like {@code --key-prefix}
     */
    static DirectoryFlags parse(Args args, List<String> fleetFlags) throws UsageException {
        String text = args.optional("directory");
        if (text == null) {
            for (String flag : Stream.concat(Stream.of("key-prefix"), fleetFlags.stream()).toList()) {
                if (args.has(flag)) {
                    throw new UsageException("--" + flag + " needs --directory");
                }
            }
            return null;
        }
        String keyPrefix = args.has("key-prefix") ? args.required("key-prefix") : RedisServerDirectory.DEFAULT_KEY_PREFIX;
        if (keyPrefix.isEmpty()) {
            throw new UsageException("--key-prefix must not be empty");
        }
        return new DirectoryFlags(parseUri(text.trim()), keyPrefix);
    }

    /** {@code --region}, the value of a server's {@code region} label, or {@code null} when absent. */
    static String region(Args args) throws UsageException {
        String region = args.optional("region");
        if (region != null && (region.isEmpty() || region.length() > ServerAnnouncement.MAX_LABEL_LENGTH)) {
            throw new UsageException("--region must be 1 to " + ServerAnnouncement.MAX_LABEL_LENGTH + " characters");
        }
        return region;
    }

    /** {@code redis://HOST[:PORT]}; credentials, a path or a query are refused, credentials without being repeated. */
    private static String parseUri(String text) throws UsageException {
        String expected = "--directory must be redis://HOST:PORT (a host name, a.b.c.d or [ipv6]; port default "
                + DEFAULT_PORT + ")";
        URI uri;
        try {
            uri = new URI(text);
        }
        catch (URISyntaxException ex) {
            throw new UsageException(expected + ", got a malformed URI");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UsageException("--directory must not hold a user or password (it would show in the process list)");
        }
        if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException(expected + ", got '" + text + "'");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new UsageException("--directory port must be 1 to 65535, got '" + text + "'");
        }
        return "redis://" + uri.getHost() + ":" + port;
    }

    /** The usage lines of the flags, flag names padded to {@code width} columns. */
    static String usage(int width) {
        String format = "  %-" + width + "s%s";
        return String.join("\n",
                format.formatted("--directory URI", "the fleet directory: redis://HOST:PORT (port default "
                        + DEFAULT_PORT + "; a password from " + PASSWORD_ENVIRONMENT_VARIABLE + ")"),
                format.formatted("--key-prefix P", "its keys' prefix (default " + RedisServerDirectory.DEFAULT_KEY_PREFIX
                        + ", the starter's default)"));
    }

    /**
     * The directory, with the fleet's default time to live (3 s) for the servers announced through it,
     * authenticating with {@value #PASSWORD_ENVIRONMENT_VARIABLE} when that is set.
     * It connects on its first call; every call made while Redis cannot be reached throws
     * {@link ServerDirectoryUnavailableException} at once, and it reconnects by itself.
     */
    ServerDirectory open(Map<String, String> environment) {
        String password = environment.get(PASSWORD_ENVIRONMENT_VARIABLE);
        return new RedisServerDirectory(LettuceScriptExecutor.connect(uri,
                (password == null || password.isEmpty()) ? null : password, COMMAND_TIMEOUT), keyPrefix,
                InMemoryServerDirectory.DEFAULT_TIME_TO_LIVE, InstantSource.system());
    }

    /**
     * Says on {@code err} that the directory cannot be reached (the exception names Redis' host and
     * port and what went wrong).
     *
     * @param consequence what the command did not do, e.g. "no token written"
     * @return {@link NetcodeCli#EXIT_DIRECTORY_UNAVAILABLE}
     */
    static int unreachable(String command, ServerDirectoryUnavailableException ex, String consequence,
            PrintStream err) {
        Printer.line(err, "netcode-cli " + command + ": the fleet directory cannot be reached: " + ex.getMessage()
                + "; " + consequence);
        return NetcodeCli.EXIT_DIRECTORY_UNAVAILABLE;
    }
}
