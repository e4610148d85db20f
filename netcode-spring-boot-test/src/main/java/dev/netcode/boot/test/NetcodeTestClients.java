package dev.netcode.boot.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.listener.NetcodeClientEvent;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.IssuedConnectToken;
import dev.netcode.message.MessageConfig;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportSelection;

/**
 * Makes {@link NetcodeTestClient}s of the application's game server: each {@link #connect} binds a
 * client, takes a connect token from the application's own {@link ConnectTokenIssuer} (so it tests
 * the issuer's key, protocol id and server addresses too) and waits until the client is connected.
 * When the application runs channels ({@code netcode.channels}), the clients speak them. The bean of
 * {@link AutoConfigureNetcodeTestClient @AutoConfigureNetcodeTestClient}; every client it made is
 * closed after each test method, and when the context closes.
 *
 * <p>It also records the application's {@link NetcodeClientEvent}s (connected, disconnected), which
 * a client's {@link NetcodeTestClient#awaitServerEvent} waits for.
 */
public class NetcodeTestClients implements ApplicationListener<NetcodeClientEvent>, DisposableBean {

    /** Client ids {@link #connect()} hands out count up from here, away from the small ids tests pick. */
    public static final long FIRST_CLIENT_ID = 1_000_001;

    private static final NetcodeAddress IPV4_LOOPBACK_ANY_PORT = NetcodeAddress.parse("127.0.0.1:0");

    private static final NetcodeAddress IPV6_LOOPBACK_ANY_PORT = NetcodeAddress.parse("[::1]:0");

    private final ConnectTokenIssuer issuer;

    private final @Nullable MessageConfig channels;

    private final @Nullable NetcodeSimulation simulation;

    private final AtomicLong nextClientId = new AtomicLong(FIRST_CLIENT_ID);

    private final List<NetcodeTestClient> clients = new CopyOnWriteArrayList<>();

    private final List<NetcodeClientEvent> events = new ArrayList<>();

    /**
     * @param channels the application's channels, or {@code null} when its server carries raw payloads
     * @param simulation the simulated network, or {@code null} for real UDP on 127.0.0.1
     */
    public NetcodeTestClients(ConnectTokenIssuer issuer, @Nullable MessageConfig channels,
            @Nullable NetcodeSimulation simulation) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.channels = channels;
        this.simulation = simulation;
    }

    /** A client connected with the next free client id from {@link #FIRST_CLIENT_ID}. */
    public NetcodeTestClient connect() {
        return connect(nextClientId.getAndIncrement(), null);
    }

    /** A client connected as {@code clientId}, with no user data. */
    public NetcodeTestClient connect(long clientId) {
        return connect(clientId, null);
    }

    /**
     * A client connected as {@code clientId} with {@code userData} (up to 256 bytes) in its token.
     *
     * @throws AssertionError if it is not connected within {@link NetcodeTestClient#DEFAULT_TIMEOUT}
     *         (of simulated time on the simulated network), saying in which state it ended
     */
    public NetcodeTestClient connect(long clientId, byte @Nullable [] userData) {
        IssuedConnectToken token = issuer.issue(clientId, userData);
        NetcodeTestClient client = new NetcodeTestClient(this, clientId, bind(token.servers()), channels);
        clients.add(client);
        client.connect(token);
        return client;
    }

    /** A socket on the loopback of the family the token's first server address is of, which the client tries first. */
    private Transport bind(List<NetcodeAddress> serverAddresses) {
        NetcodeAddress local = (!serverAddresses.isEmpty() && serverAddresses.get(0).isIpv6()) ? IPV6_LOOPBACK_ANY_PORT
                : IPV4_LOOPBACK_ANY_PORT;
        return (simulation != null) ? simulation.bind(local)
                : TransportSelection.resolve(TransportSelection.AUTO).bind(local, TransportOptions.defaults());
    }

    /** The clients made since the last {@link #closeAll()}. */
    public List<NetcodeTestClient> clients() {
        return List.copyOf(clients);
    }

    /** The simulated network, or {@code null} on real UDP. */
    public @Nullable NetcodeSimulation simulation() {
        return simulation;
    }

    /** Closes every client made since the last call (each disconnects cleanly first). */
    public void closeAll() {
        for (NetcodeTestClient client : clients) {
            client.close();
        }
        clients.clear();
    }

    /** Closes the clients still open when the context closes (one a test made outside a test method). */
    @Override
    public void destroy() {
        closeAll();
    }

    @Override
    public void onApplicationEvent(NetcodeClientEvent event) {
        synchronized (events) {
            events.add(event);
        }
    }

    /** How many events have been recorded; a client only looks at those after its own start. */
    int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** The first recorded event from index {@code from} on that matches, or {@code null}. */
    @Nullable NetcodeClientEvent findEvent(int from, Predicate<NetcodeClientEvent> matching) {
        synchronized (events) {
            for (int i = from; i < events.size(); i++) {
                if (matching.test(events.get(i))) {
                    return events.get(i);
                }
            }
            return null;
        }
    }

    /**
     * Waits up to {@code timeout} of real time for {@code condition}, checking it about every
     * millisecond; on the simulated network the loops are run at the current time before each check,
     * so what is due arrives (the clock stands still). Returns whether it held.
     */
    boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (simulation != null) {
                simulation.runDue();
            }
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Waits for a connection, the handshake's part of the clock: on real UDP up to {@code timeout}
     * of real time; on the simulated network the clock moves on in steps until {@code condition}
     * holds or {@code timeout} of simulated time has passed.
     */
    boolean awaitHandshake(BooleanSupplier condition, Duration timeout) {
        return (simulation != null) ? simulation.advanceUntil(condition, timeout) : await(condition, timeout);
    }
}
