package dev.netcode.server;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import javax.security.auth.Destroyable;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.TransportProvider;
import dev.netcode.transport.TransportSelection;

/**
 * What a {@link ServerStateMachine} needs to know. Build one with {@link #builder(long, byte[])}.
 *
 * <p>The server addresses are the addresses as the backend writes them into the private part of
 * connect tokens (exact IP and port): a request is only accepted when one of them is listed. When
 * none is given the server uses its transport's bound address, which only works for a bind to a
 * concrete address (not a wildcard).
 *
 * <p>The config holds a copy of the private key, which every start of a server reads again, until
 * {@link #destroy()} wipes it ({@link NetcodeServer#close()} does).
 */
public final class ServerConfig implements Destroyable {

    /** Largest slot count a server accepts; the reference's fixed maximum is 256. */
    public static final int MAX_CLIENTS_LIMIT = 4096;

    /**
     * Handshakes one client id may have pending at once; a newer request evicts that id's older
     * pending handshake (whose token is then refused), so one account cannot fill the tables.
     */
    public static final int MAX_PENDING_PER_CLIENT_ID = 1;

    /**
     * Handshakes one source IP (an IPv6 /64) may have pending at once; requests beyond are dropped.
     * A handshake lasts a round trip, so this leaves room for many players behind one NAT.
     */
    public static final int MAX_PENDING_PER_IP = 16;

    /**
     * Entries in the address → session keys table of a server with {@code maxClients} slots: sessions
     * plus pending handshakes. The reference fixes it at 4 × 256 whatever the slot count; scaling it down
     * with small servers would let a handful of tokens fill it.
     */
    public static int encryptionMappingCapacity(int maxClients) {
        return 4 * Math.max(NetcodeProtocol.DEFAULT_MAX_CLIENTS, maxClients);
    }

    /**
     * Entries in the connect-token history of a server with {@code maxClients} slots: every token seen
     * stays there until it expires (8 × 256 in the reference).
     */
    public static int tokenHistoryCapacity(int maxClients) {
        return 8 * Math.max(NetcodeProtocol.DEFAULT_MAX_CLIENTS, maxClients);
    }

    /** Warm-up budget of a config that does not set one: a few hundred milliseconds, see {@link ServerWarmUp}. */
    public static final Duration DEFAULT_WARM_UP = Duration.ofMillis(300);

    /** Longest warm-up budget accepted; {@link ServerWarmUp#MAX_ROUNDS} ends a warm-up well before anyway. */
    public static final Duration MAX_WARM_UP = Duration.ofSeconds(10);

    /**
     * Most event loops a {@link NetcodeServer} shards its clients over: far more cores than one UDP port's traffic
     * can use (past a few, the kernel's per-socket delivery and the load itself limit the rate, not the loops).
     */
    public static final int MAX_SHARDS = 64;

    /**
     * Receive coalescing of a config that does not set one: a quarter of a millisecond, against which a 60 Hz game
     * tick is 67 times longer; it cut the CPU per echoed packet at 64 k packets a second by about a third
     * (BENCHMARKS.md, run D).
     */
    public static final Duration DEFAULT_RECEIVE_COALESCING = Duration.ofNanos(250_000);

    /** Longest receive coalescing accepted: beyond a few milliseconds it is latency for nothing. */
    public static final Duration MAX_RECEIVE_COALESCING = Duration.ofMillis(10);

    private final long protocolId;
    private final byte[] privateKey;
    private final List<NetcodeAddress> serverAddresses;
    private final int maxConnectTokenLifetime;
    private final LongSupplier unixClock;
    private final ServerEventHandler eventHandler;
    private final LoopbackPacketSender loopbackPacketSender;
    private final Duration warmUp;
    private final TransportSelection transport;
    private final TransportProvider transportProvider;
    private final int shards;
    private final Duration receiveCoalescing;
    private volatile boolean destroyed;

    private ServerConfig(Builder builder) {
        this.protocolId = builder.protocolId;
        this.privateKey = builder.privateKey.clone();
        this.serverAddresses = List.copyOf(builder.serverAddresses);
        this.maxConnectTokenLifetime = builder.maxConnectTokenLifetime <= 0
                ? NetcodeProtocol.DEFAULT_MAX_CONNECT_TOKEN_LIFETIME : builder.maxConnectTokenLifetime;
        this.unixClock = builder.unixClock;
        this.eventHandler = builder.eventHandler;
        this.loopbackPacketSender = builder.loopbackPacketSender;
        this.warmUp = builder.warmUp;
        this.transport = builder.transport;
        this.transportProvider = builder.transportProvider;
        this.shards = builder.shards;
        this.receiveCoalescing = builder.receiveCoalescing;
    }

    /**
     * @param privateKey the 32-byte key shared with the backend that mints connect tokens
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public static Builder builder(long protocolId, byte[] privateKey) {
        return new Builder(protocolId, privateKey);
    }

    public long protocolId() {
        return protocolId;
    }

    /**
     * A copy of the private key.
     *
     * @throws IllegalStateException once {@link #destroy() destroyed}
     */
    byte[] privateKey() {
        if (destroyed) {
            throw new IllegalStateException("this ServerConfig was destroyed (its private key wiped): build a new one"
                    + " to start a server");
        }
        return privateKey.clone();
    }

    /**
     * Zeroes this config's copy of the private key. A running server's state machine keeps its own
     * copy, which it wipes when it stops; starting a server on this config afterwards throws
     * {@link IllegalStateException}.
     */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    public List<NetcodeAddress> serverAddresses() {
        return serverAddresses;
    }

    /** Seconds; tokens expiring before {@code start + this} are refused after a (re)start. */
    public int maxConnectTokenLifetime() {
        return maxConnectTokenLifetime;
    }

    public LongSupplier unixClock() {
        return unixClock;
    }

    public ServerEventHandler eventHandler() {
        return eventHandler;
    }

    public LoopbackPacketSender loopbackPacketSender() {
        return loopbackPacketSender;
    }

    /** Time budget of the warm-up a {@link NetcodeServer} runs before it first binds; zero when disabled. */
    public Duration warmUp() {
        return warmUp;
    }

    /** The transport a {@link NetcodeServer} made with a bind address binds (default {@link TransportSelection#AUTO}). */
    public TransportSelection transport() {
        return transport;
    }

    /**
     * The provider a {@link NetcodeServer} made with a bind address binds instead of resolving {@link #transport()},
     * or {@code null} (the default) to resolve it.
     */
    public TransportProvider transportProvider() {
        return transportProvider;
    }

    /** Event loops a {@link NetcodeServer} shards its clients over, see {@link Builder#shards(int)}; 1 by default. */
    public int shards() {
        return shards;
    }

    /** How long a {@link NetcodeServer}'s socket coalesces receives, see {@link Builder#receiveCoalescing(Duration)}. */
    public Duration receiveCoalescing() {
        return receiveCoalescing;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ServerConfig[protocolId=0x" + Long.toHexString(protocolId) + ", serverAddresses=" + serverAddresses
                + ", maxConnectTokenLifetime=" + maxConnectTokenLifetime + ", warmUp=" + warmUp + ", transport="
                + (transportProvider != null ? transportProvider.name() : transport.configValue()) + ", shards=" + shards
                + ", receiveCoalescing=" + receiveCoalescing + "]";
    }

    public static final class Builder {

        private final long protocolId;
        private final byte[] privateKey;
        private List<NetcodeAddress> serverAddresses = List.of();
        private int maxConnectTokenLifetime = NetcodeProtocol.DEFAULT_MAX_CONNECT_TOKEN_LIFETIME;
        private LongSupplier unixClock = () -> System.currentTimeMillis() / 1000;
        private ServerEventHandler eventHandler = new ServerEventHandler() {
        };
        private LoopbackPacketSender loopbackPacketSender;
        private Duration warmUp = DEFAULT_WARM_UP;
        private TransportSelection transport = TransportSelection.AUTO;
        private TransportProvider transportProvider;
        private int shards = 1;
        private Duration receiveCoalescing = DEFAULT_RECEIVE_COALESCING;

        private Builder(long protocolId, byte[] privateKey) {
            if (privateKey == null || privateKey.length != NetcodeProtocol.KEY_BYTES) {
                throw new IllegalArgumentException("private key must be " + NetcodeProtocol.KEY_BYTES + " bytes, got "
                        + (privateKey == null ? "none" : privateKey.length));
            }
            this.protocolId = protocolId;
            this.privateKey = privateKey.clone();
        }

        /** The addresses connect tokens list for this server (internal addresses, exact IP and port). */
        public Builder serverAddresses(List<NetcodeAddress> addresses) {
            this.serverAddresses = List.copyOf(addresses);
            return this;
        }

        public Builder serverAddress(NetcodeAddress address) {
            return serverAddresses(List.of(address));
        }

        /** The restart rule's window in seconds; set it to the token lifetime the backend issues. 0 or less means 30. */
        public Builder maxConnectTokenLifetime(int seconds) {
            this.maxConnectTokenLifetime = seconds;
            return this;
        }

        /** The wall clock token expiry is checked against, in Unix seconds. */
        public Builder unixClock(LongSupplier clock) {
            this.unixClock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder eventHandler(ServerEventHandler handler) {
            this.eventHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Enables loopback clients, whose server-to-client payloads go to {@code sender}. */
        public Builder loopbackPacketSender(LoopbackPacketSender sender) {
            this.loopbackPacketSender = sender;
            return this;
        }

        /**
         * How long a {@link NetcodeServer} may spend on its {@linkplain ServerWarmUp warm-up} before it first binds
         * its socket (default {@link #DEFAULT_WARM_UP}); {@link Duration#ZERO} disables it.
         *
         * @throws IllegalArgumentException if negative or above {@link #MAX_WARM_UP}
         */
        public Builder warmUp(Duration budget) {
            Objects.requireNonNull(budget, "budget");
            if (budget.isNegative() || budget.compareTo(MAX_WARM_UP) > 0) {
                throw new IllegalArgumentException("warm-up must be 0 (disabled) to " + MAX_WARM_UP.toMillis()
                        + " ms, got " + budget.toMillis() + " ms");
            }
            this.warmUp = budget;
            return this;
        }

        /**
         * Which transport a {@link NetcodeServer} made with a bind address binds: {@link TransportSelection#AUTO}
         * (the default) takes netcode's batched Linux transport (native) where it runs, else epoll where it is on the
         * class path and runs, else the portable one (nio).
         */
        public Builder transport(TransportSelection selection) {
            this.transport = Objects.requireNonNull(selection, "selection");
            return this;
        }

        /**
         * A provider a {@link NetcodeServer} made with a bind address binds, whatever {@link #transport(TransportSelection)}
         * selects: for a test kit that runs an application's server over a {@link dev.netcode.transport.SimulatedNetwork}
         * without changing how the application builds it. {@code null} (the default) resolves the selection.
         */
        public Builder transportProvider(TransportProvider provider) {
            this.transportProvider = provider;
            return this;
        }

        /**
         * How many event loops (threads, one socket each) a {@link NetcodeServer} bound by address spreads its
         * clients over: 1 (the default) is one loop, as always. With more, every loop binds the same address and
         * port with {@code SO_REUSEPORT}, and the kernel hands each client's datagrams to one socket by a hash of
         * the client's address, so a client stays on one loop for its whole session. The server stays one server:
         * one client index space {@code 0..maxClients-1}, at most {@code maxClients} clients in total, a client id
         * connected once, and one connect-token history; {@link NetcodeServer}'s send, broadcast, disconnect,
         * snapshot and statistics cover every loop.
         *
         * <p>With more than one, the {@link ServerEventHandler} is called on that many threads at once (each client's
         * events always on its loop's thread, in order): it must be thread-safe, and {@link ClientSlot}s and
         * {@link ServerStateMachine}s it is handed belong to the calling loop only. A client whose address changes
         * (a NAT rebinding) may land on another loop, which does not know it: it then times out and reconnects,
         * with a new token, as it would after any address change. It only pays where one loop cannot keep up
         * (Linux, several cores, more packets than one core handles).
         *
         * @throws IllegalArgumentException if not 1 to {@link #MAX_SHARDS}
         */
        public Builder shards(int shards) {
            if (shards < 1 || shards > MAX_SHARDS) {
                throw new IllegalArgumentException("shards must be 1 (one event loop) to " + MAX_SHARDS + ", got "
                        + shards);
            }
            this.shards = shards;
            return this;
        }

        /**
         * How long a {@link NetcodeServer}'s loop keeps waiting after a receive that emptied its busy socket, so that
         * what arrives in that window is received and answered in one batch rather than one wake-up per datagram
         * (default {@link #DEFAULT_RECEIVE_COALESCING}; {@link Duration#ZERO} turns it off). A datagram that arrives
         * during the window waits for its end, so this is the most latency it adds; replies to what was received go
         * out before the window starts, and commands from other threads end it. An idle socket is never paused on.
         * The {@code native} and {@code nio} transports coalesce; {@code epoll} batches on its own event loop.
         *
         * @throws IllegalArgumentException if negative or above {@link #MAX_RECEIVE_COALESCING}
         */
        public Builder receiveCoalescing(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.compareTo(MAX_RECEIVE_COALESCING) > 0) {
                throw new IllegalArgumentException("receive coalescing must be 0 (off) to "
                        + MAX_RECEIVE_COALESCING.toMillis() + " ms, got "
                        + BigDecimal.valueOf(window.toNanos(), 3).stripTrailingZeros().toPlainString() + " µs");
            }
            this.receiveCoalescing = window;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
