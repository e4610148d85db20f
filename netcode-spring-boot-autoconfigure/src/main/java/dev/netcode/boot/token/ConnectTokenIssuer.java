package dev.netcode.boot.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * Issues connect tokens for the configured game servers, as a game's web backend does for each
 * authenticated player. Usable on its own, in a backend that runs no game server. Thread-safe.
 * {@link #close()} closes its generator, wiping the generator's copy of the private key; as a bean,
 * the application context does that when it closes.
 */
public class ConnectTokenIssuer implements AutoCloseable {

    private final ConnectTokenGenerator generator;
    private final Supplier<List<NetcodeAddress>> serverAddresses;
    private final int expirySeconds;
    private final int timeoutSeconds;
    private final AtomicLong issued = new AtomicLong();

    /**
     * @param generator mints the tokens; this issuer owns it from now on and closes it in {@link #close()}
     * @param serverAddresses the servers a client may connect to, in order of preference; listed in
     *        both the public and the private part of each token. Asked for every token, so it can
     *        follow a server whose port is only known once it is bound; it throws
     *        {@link NetcodeServerNotRunningException} while that server is not running
     * @param expiry how long a token stays valid (whole seconds)
     * @param timeout connection timeout written into each token (whole seconds; negative disables, for development)
     */
    public ConnectTokenIssuer(ConnectTokenGenerator generator, Supplier<List<NetcodeAddress>> serverAddresses,
            Duration expiry, Duration timeout) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.serverAddresses = Objects.requireNonNull(serverAddresses, "serverAddresses");
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("token expiry must be positive, got " + expiry);
        }
        this.expirySeconds = Math.toIntExact(expiry.toSeconds());
        this.timeoutSeconds = Math.toIntExact(timeout.toSeconds());
    }

    /**
     * A fresh token for {@code clientId}.
     *
     * @param userData up to 256 bytes the server receives with the connection, or {@code null}
     * @throws IllegalStateException once closed
     * @throws NetcodeServerNotRunningException when the game server in this application is not running
     */
    public IssuedConnectToken issue(long clientId, byte[] userData) {
        List<NetcodeAddress> servers = List.copyOf(serverAddresses.get());
        ConnectToken token = generator.generate(clientId, servers, expirySeconds, timeoutSeconds, userData);
        issued.incrementAndGet();
        return new IssuedConnectToken(token.toBytes(), clientId, Instant.ofEpochSecond(token.expireTimestamp()), servers);
    }

    /**
     * The servers the next token will list.
     *
     * @throws NetcodeServerNotRunningException when the game server in this application is not running
     */
    public List<NetcodeAddress> serverAddresses() {
        return List.copyOf(serverAddresses.get());
    }

    public int expirySeconds() {
        return expirySeconds;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Tokens issued since start-up. */
    public long issuedCount() {
        return issued.get();
    }

    /** Closes the generator, which wipes its key: {@link #issue} refuses afterwards. */
    @Override
    public void close() {
        generator.close();
    }
}
