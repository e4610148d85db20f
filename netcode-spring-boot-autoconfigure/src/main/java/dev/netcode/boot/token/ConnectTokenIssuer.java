package dev.netcode.boot.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.fleet.NetcodeFleetFullException;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetReservation;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * Issues connect tokens for the configured game servers, as a game's web backend does for each
 * authenticated player. Usable on its own, in a backend that runs no game server. Thread-safe.
 * {@link #close()} closes its generator, wiping the generator's copy of the private key; as a bean,
 * the application context does that when it closes.
 *
 * <p>With a {@link ServerDirectory} (a fleet), each token first reserves a slot for its player on
 * a server with room, and lists that server first, then up to the configured number of fallback
 * servers that had room; the reservation lasts until the token expires (or the player connects).
 * No room means no token: {@link NetcodeFleetFullException}.
 */
public class ConnectTokenIssuer implements AutoCloseable {

    /** Reservations made again when the clock's second turned between reserving and minting. */
    private static final int MAX_RESERVATIONS_PER_TOKEN = 3;

    private final ConnectTokenGenerator generator;
    private final Supplier<List<NetcodeAddress>> serverAddresses;
    private final @Nullable ServerDirectory directory;
    private final SelectionPolicy policy;
    private final int fallbackServers;
    private final int expirySeconds;
    private final int timeoutSeconds;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong reservationsMade = new AtomicLong();
    private final AtomicLong reservationsRefused = new AtomicLong();
    private final AtomicLong reservationsUnavailable = new AtomicLong();

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
        this(generator, serverAddresses, null, SelectionPolicy.PACK, 0, expiry, timeout);
    }

    /**
     * An issuer for a fleet: every token lists the server a slot was reserved on for its player,
     * then fallback servers.
     *
     * @param generator mints the tokens; this issuer owns it from now on and closes it in {@link #close()}
     * @param directory where slots are reserved
     * @param policy the order servers with room are tried in, unless a request asks for another
     * @param fallbackServers servers with room a token lists after the reserved one, unless a
     *        request asks for another number (0 to {@code NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1})
     * @param expiry how long a token, and so its reservation, stays valid (whole seconds)
     * @param timeout connection timeout written into each token (whole seconds; negative disables, for development)
     */
    public ConnectTokenIssuer(ConnectTokenGenerator generator, ServerDirectory directory, SelectionPolicy policy,
            int fallbackServers, Duration expiry, Duration timeout) {
        this(generator, List::of, Objects.requireNonNull(directory, "directory"), policy, fallbackServers, expiry,
                timeout);
    }

    private ConnectTokenIssuer(ConnectTokenGenerator generator, Supplier<List<NetcodeAddress>> serverAddresses,
            @Nullable ServerDirectory directory, SelectionPolicy policy, int fallbackServers, Duration expiry,
            Duration timeout) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.serverAddresses = Objects.requireNonNull(serverAddresses, "serverAddresses");
        this.directory = directory;
        this.policy = Objects.requireNonNull(policy, "policy");
        if (fallbackServers < 0 || fallbackServers >= NetcodeProtocol.MAX_SERVERS_PER_CONNECT) {
            throw new IllegalArgumentException("fallbackServers must be 0.." + (NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1)
                    + ", got " + fallbackServers);
        }
        this.fallbackServers = fallbackServers;
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("token expiry must be positive, got " + expiry);
        }
        this.expirySeconds = Math.toIntExact(expiry.toSeconds());
        this.timeoutSeconds = Math.toIntExact(timeout.toSeconds());
    }

    /**
     * A fresh token for {@code clientId}; in a fleet, for any server of the game with room, in the
     * configured policy.
     *
     * @param userData up to 256 bytes the server receives with the connection, or {@code null}
     * @throws IllegalStateException once closed
     * @throws NetcodeServerNotRunningException when the game server in this application is not running
     * @throws NetcodeFleetFullException in a fleet, when no server has room
     * @throws ServerDirectoryUnavailableException in a fleet, when its directory cannot be reached
     */
    public IssuedConnectToken issue(long clientId, byte @Nullable [] userData) {
        return issue(clientId, userData, UnaryOperator.identity());
    }

    /**
     * A fresh token for {@code clientId}; in a fleet, for a server that qualifies for the request
     * as {@code shaping} makes it (labels such as a region, the policy, the number of fallback
     * servers). Without a fleet {@code shaping} is not used. The player's client id, the protocol
     * id and the expiry stay the issuer's, whatever {@code shaping} returns.
     *
     * @param userData up to 256 bytes the server receives with the connection, or {@code null}
     * @param shaping turns the default request (any server of the game, the configured policy and
     *        fallback servers) into this player's
     * @throws IllegalStateException once closed
     * @throws NetcodeServerNotRunningException when the game server in this application is not running
     * @throws NetcodeFleetFullException in a fleet, when no qualifying server has room
     * @throws ServerDirectoryUnavailableException in a fleet, when its directory cannot be reached
     */
    public IssuedConnectToken issue(long clientId, byte @Nullable [] userData, UnaryOperator<FleetRequest> shaping) {
        if (directory == null) {
            List<NetcodeAddress> servers = List.copyOf(serverAddresses.get());
            ConnectToken token = generator.generate(clientId, servers, expirySeconds, timeoutSeconds, userData);
            issued.incrementAndGet();
            return new IssuedConnectToken(token.toBytes(), clientId, Instant.ofEpochSecond(token.expireTimestamp()),
                    servers);
        }
        Objects.requireNonNull(shaping, "shaping");
        Instant expiresAt = Instant.ofEpochSecond(Instant.now().getEpochSecond() + expirySeconds);
        FleetRequest shaped = shaping.apply(
                new FleetRequest(generator.protocolId(), clientId, expiresAt, Map.of(), policy, fallbackServers));
        FleetReservation reservation = reserve(request(shaped, clientId, expiresAt));
        for (int attempt = 1;; attempt++) {
            List<NetcodeAddress> servers = reservation.tokenAddresses();
            ConnectToken token = generator.generate(clientId, servers, expirySeconds, timeoutSeconds, userData);
            Instant tokenExpiresAt = Instant.ofEpochSecond(token.expireTimestamp());
            if (!tokenExpiresAt.isAfter(reservation.expiresAt()) || attempt == MAX_RESERVATIONS_PER_TOKEN) {
                reservationsMade.incrementAndGet();
                issued.incrementAndGet();
                return new IssuedConnectToken(token.toBytes(), clientId, tokenExpiresAt, servers,
                        reservation.server().serverId());
            }
            // The generator's second turned after the reservation: hold the slot until this token
            // expires. The same player asking again keeps the same server while it is listed.
            reservation = reserve(request(shaped, clientId, tokenExpiresAt));
        }
    }

    private FleetReservation reserve(FleetRequest request) {
        Optional<FleetReservation> reservation;
        try {
            reservation = directory.reserve(request);
        }
        catch (ServerDirectoryUnavailableException ex) {
            reservationsUnavailable.incrementAndGet();
            throw ex;
        }
        if (reservation.isEmpty()) {
            reservationsRefused.incrementAndGet();
            throw new NetcodeFleetFullException(request.labels());
        }
        return reservation.get();
    }

    /** {@code shaped} with the issuer's own protocol id, client id and expiry. */
    private FleetRequest request(FleetRequest shaped, long clientId, Instant expiresAt) {
        return new FleetRequest(generator.protocolId(), clientId, expiresAt, shaped.labels(), shaped.policy(),
                shaped.fallbackServers());
    }

    /**
     * The servers the next token will list; empty in a fleet, where each token lists the servers
     * found for it.
     *
     * @throws NetcodeServerNotRunningException when the game server in this application is not running
     */
    public List<NetcodeAddress> serverAddresses() {
        return List.copyOf(serverAddresses.get());
    }

    /** The directory slots are reserved in, or {@code null} without a fleet. */
    public @Nullable ServerDirectory directory() {
        return directory;
    }

    public long protocolId() {
        return generator.protocolId();
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

    /** Tokens issued since start-up with a slot reserved for them in the fleet; 0 without a fleet. */
    public long reservationsMade() {
        return reservationsMade.get();
    }

    /** Token requests refused since start-up because no qualifying server had room. */
    public long reservationsRefused() {
        return reservationsRefused.get();
    }

    /** Token requests refused since start-up because the fleet's directory could not be reached. */
    public long reservationsUnavailable() {
        return reservationsUnavailable.get();
    }

    /** Closes the generator, which wipes its key: {@link #issue} refuses afterwards. */
    @Override
    public void close() {
        generator.close();
    }
}
