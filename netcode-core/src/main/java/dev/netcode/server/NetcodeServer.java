package dev.netcode.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.PacketCodec;
import dev.netcode.transport.SocketBufferSizes;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportLoop;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportProvider;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UpdateLoop;
import dev.netcode.transport.UdpTransport;

/**
 * A netcode server running in real time: the thread-safe face of a {@link ServerStateMachine}.
 * {@link #start()} binds the transport and drives the state machine on a thread of its own (a
 * {@link TransportLoop}, or the event loop of a transport that has one); any thread may then send, broadcast, disconnect and look at the slots.
 * Server events ({@link ServerEventHandler}) arrive on the server's thread; sends made there go out
 * at once without copying, sends from other threads are copied and queued.
 *
 * <p>A server can be started again after {@link #stop()}: every start binds a fresh transport and
 * a fresh state machine (new challenge key, global sequence 2^63, the restart rule) that keeps
 * refusing every token the previous one saw.
 *
 * <p>A server made with a bind address binds the transport its config
 * {@linkplain ServerConfig#transport() selects} ({@link #transportName()} says which). On a transport
 * with a socket, every start logs at INFO the transport and the socket buffer sizes the OS granted,
 * and WARNs when either is below {@link #socketBufferBytesNeeded(int)} for the configured max
 * clients, naming the Linux sysctl that raises the limit.
 */
public final class NetcodeServer implements AutoCloseable {

    /**
     * Full-size datagrams per client that the socket buffers must be able to hold at once:
     * what a client sending at 60 Hz queues during a 67 ms stall of the server's thread (a GC
     * pause, the JIT competing for the cores in the first second, a slow event handler), and what
     * one server update sends a client at most in the common case (a payload or two, keep-alive).
     */
    public static final int BURST_DATAGRAMS_PER_CLIENT = 4;

    /** How long {@link #snapshot()} and other blocking queries wait for the server's thread. */
    private static final long QUERY_TIMEOUT_MILLIS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(NetcodeServer.class);

    private final ServerConfig config;
    private final Supplier<? extends Transport> transportFactory;
    /** The provider the bind-address constructors resolved; {@code null} for a server given a transport factory. */
    private final String providerName;
    private final int maxClients;
    private final ServerStatistics statistics = new ServerStatistics();
    private volatile ServerStateMachine machine;
    private volatile UpdateLoop loop;
    private volatile SocketBufferSizes socketBuffers;
    private volatile String transportName;
    private volatile ServerWarmUp.Result warmUp;

    /**
     * A server that will bind {@code transportFactory.get()} on {@link #start()}.
     *
     * @throws IllegalArgumentException if {@code maxClients} is out of range
     */
    public NetcodeServer(ServerConfig config, Supplier<? extends Transport> transportFactory, int maxClients) {
        this(config, transportFactory, maxClients, null);
    }

    private NetcodeServer(ServerConfig config, Supplier<? extends Transport> transportFactory, int maxClients,
            String providerName) {
        if (maxClients < 1 || maxClients > ServerConfig.MAX_CLIENTS_LIMIT) {
            throw new IllegalArgumentException(
                    "max clients must be 1.." + ServerConfig.MAX_CLIENTS_LIMIT + ", got " + maxClients);
        }
        this.config = Objects.requireNonNull(config, "config");
        this.transportFactory = Objects.requireNonNull(transportFactory, "transportFactory");
        this.maxClients = maxClients;
        this.providerName = providerName;
    }

    /**
     * A server that will bind a UDP socket to {@code bindAddress} on {@link #start()}, asking for
     * {@link UdpTransport#SOCKET_BUFFER_BYTES} socket buffers.
     *
     * @throws IllegalStateException if the config's {@linkplain ServerConfig#transport() transport} cannot run here
     */
    public NetcodeServer(ServerConfig config, NetcodeAddress bindAddress, int maxClients) {
        this(config, bindAddress, maxClients, UdpTransport.SOCKET_BUFFER_BYTES);
    }

    /**
     * A server that will bind a UDP socket to {@code bindAddress} on {@link #start()}, on the transport
     * {@link TransportSelection#resolve resolved} now from the config's {@linkplain ServerConfig#transport() selection},
     * asking the OS for receive and send buffers of {@code socketBufferBytes} each.
     *
     * @throws IllegalArgumentException if {@code maxClients} or {@code socketBufferBytes} is out of
     *         range (see {@link UdpTransport#bind(NetcodeAddress, int)})
     * @throws IllegalStateException if the selected transport cannot run here; the message says what to fix
     */
    public NetcodeServer(ServerConfig config, NetcodeAddress bindAddress, int maxClients, int socketBufferBytes) {
        // Resolved and checked now, not only when start() binds, so that a bad setting fails where the server is made.
        this(config, TransportSelection.resolve(Objects.requireNonNull(config, "config").transport()), bindAddress,
                new TransportOptions(UdpTransport.checkSocketBufferBytes(socketBufferBytes), false), maxClients);
    }

    private NetcodeServer(ServerConfig config, TransportProvider provider, NetcodeAddress bindAddress,
            TransportOptions options, int maxClients) {
        this(config, () -> provider.bind(bindAddress, options), maxClients, provider.name());
    }

    /** Creates, binds and starts a UDP server. */
    public static NetcodeServer start(ServerConfig config, NetcodeAddress bindAddress, int maxClients) {
        NetcodeServer server = new NetcodeServer(config, bindAddress, maxClients);
        server.start();
        return server;
    }

    /**
     * Binds the transport and starts serving. Does nothing if already running. Before it binds, the first start
     * runs the JVM's {@linkplain ServerWarmUp warm-up} for up to {@link ServerConfig#warmUp()} (or waits for the one
     * another server started), unless that is zero.
     *
     * @throws java.io.UncheckedIOException if the UDP socket cannot be bound
     * @throws IllegalArgumentException if the configuration does not fit the bound address (a
     *         wildcard bind with no server address configured)
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        // Before the bind, not after: nobody sends to a port that is not bound yet, whereas a bound socket would
        // queue (and, beyond its buffer, drop) real traffic for as long as the warm-up runs.
        if (warmUp == null) {
            warmUp = ServerWarmUp.once(config.protocolId(), config.warmUp());
        }
        Transport transport = transportFactory.get();
        ServerStateMachine newMachine;
        try {
            newMachine = new ServerStateMachine(config, transport, 0.0, statistics);
            if (machine != null) {
                newMachine.carryOver(machine);
            }
            newMachine.start(maxClients);
        }
        catch (RuntimeException ex) {
            transport.close();
            throw ex;
        }
        UpdateLoop newLoop = transport.newLoop("netcode-server-" + transport.localAddress().port(), 0.0,
                newMachine::update, newMachine::nextUpdateTime, newMachine::close);
        machine = newMachine;
        loop = newLoop;
        transportName = providerName;
        socketBuffers = transport.socketBuffers();
        if (socketBuffers != null) {
            logSocketBuffers(socketBuffers);
        }
        newLoop.start();
    }

    /**
     * The socket buffer bytes {@code maxClients} clients need, for each of receive and send:
     * {@code maxClients x BURST_DATAGRAMS_PER_CLIENT x NetcodeProtocol.MAX_PACKET_BYTES}, that is
     * every client's burst of full-size datagrams queued at once. It is compared with the size the
     * OS accepted ({@link SocketBufferSizes}): Linux reserves twice that, and spends the second half
     * on its per-datagram bookkeeping, so the accepted size is about the payload bytes the buffer
     * holds. A stock Linux (rmem_max and wmem_max 212992) meets it up to 40 clients; 256 clients need
     * 1331200 bytes, which {@code sysctl -w net.core.rmem_max=1331200} (and wmem_max) allows.
     */
    public static long socketBufferBytesNeeded(int maxClients) {
        return (long) maxClients * BURST_DATAGRAMS_PER_CLIENT * NetcodeProtocol.MAX_PACKET_BYTES;
    }

    private void logSocketBuffers(SocketBufferSizes buffers) {
        log.info("netcode server on {}: transport {}, socket buffers granted receive {} bytes, send {} bytes ({} requested"
                + " each)", machine.localAddress(), providerName == null ? "given by the application" : providerName,
                buffers.receiveBytes(), buffers.sendBytes(), buffers.requestedBytes());
        long needed = socketBufferBytesNeeded(maxClients);
        warnIfShort("receive", buffers.receiveBytes(), needed, "net.core.rmem_max", buffers.requestedBytes());
        warnIfShort("send", buffers.sendBytes(), needed, "net.core.wmem_max", buffers.requestedBytes());
    }

    private void warnIfShort(String buffer, int granted, long needed, String sysctl, int requested) {
        if (granted >= needed) {
            return;
        }
        log.warn("netcode server on {}: {} socket buffer is {} bytes, below the {} bytes {} clients need ({} clients x {} "
                + "datagrams x {} bytes), so bursts will be dropped by the kernel; raise the OS limit (Linux: sysctl -w "
                + "{}={}){}", machine.localAddress(), buffer, granted, needed, maxClients, maxClients, BURST_DATAGRAMS_PER_CLIENT,
                NetcodeProtocol.MAX_PACKET_BYTES, sysctl, needed,
                (requested < needed) ? " and ask for at least " + needed + " bytes (" + requested + " were asked for)" : "");
    }

    /**
     * Stops serving: every client gets disconnect packets, the thread ends, the transport closes.
     * Waits up to {@code timeoutMillis}.
     */
    public synchronized void stop(long timeoutMillis) {
        UpdateLoop current = loop;
        if (current == null || !current.isAlive()) {
            return;
        }
        ServerStateMachine stopping = machine;
        current.execute(stopping::stop);
        current.stop(timeoutMillis);
    }

    public void stop() {
        stop(QUERY_TIMEOUT_MILLIS);
    }

    /**
     * Stops for good: {@link #stop()}, then wipes the private key in this server's
     * {@link ServerConfig} ({@link ServerConfig#destroy()}), so neither this server nor another on the
     * same config can start again. Use {@link #stop()} to start again later.
     */
    @Override
    public void close() {
        stop();
        config.destroy();
    }

    public boolean isRunning() {
        UpdateLoop current = loop;
        return current != null && current.isAlive();
    }

    /** Seconds on the server's update clock (0 at start). */
    public double now() {
        UpdateLoop current = loop;
        return current == null ? 0 : current.now();
    }

    // ---- commands, from any thread --------------------------------------------------------------

    /** Runs {@code command} with the state machine on the server's thread, soon; ignored when stopped. */
    public void execute(Consumer<ServerStateMachine> command) {
        UpdateLoop current = loop;
        ServerStateMachine target = machine;
        if (current == null || !current.isAlive()) {
            return;
        }
        if (current.isLoopThread()) {
            command.accept(target);
        }
        else {
            current.execute(() -> command.accept(target));
        }
    }

    /** Runs {@code query} on the server's thread and completes with its result (exceptionally when stopped). */
    public <T> CompletableFuture<T> call(Function<ServerStateMachine, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        UpdateLoop current = loop;
        if (current == null || !current.isAlive()) {
            result.completeExceptionally(new IllegalStateException("the netcode server is not running"));
            return result;
        }
        execute(target -> {
            try {
                result.complete(query.apply(target));
            }
            catch (RuntimeException | Error ex) {
                // The loop survives an Error too; the caller must not wait for an answer that never comes.
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    /**
     * Sends {@code payload[offset, offset + length)} (1..1200 bytes) to the client in slot
     * {@code clientIndex}; nothing happens if the slot is free.
     */
    public void send(int clientIndex, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        UpdateLoop current = loop;
        if (current != null && current.isLoopThread()) {
            machine.sendPayload(clientIndex, payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        execute(target -> target.sendPayload(clientIndex, copy, 0, copy.length));
    }

    public void send(int clientIndex, byte[] payload) {
        send(clientIndex, payload, 0, payload.length);
    }

    /**
     * Sends {@code payload[offset, offset + length)} (1..1200 bytes) to client {@code clientId} in slot
     * {@code clientIndex}; nothing happens if that client has left the slot, even if another took it.
     */
    public void send(int clientIndex, long clientId, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        UpdateLoop current = loop;
        if (current != null && current.isLoopThread()) {
            machine.sendPayload(clientIndex, clientId, payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        execute(target -> target.sendPayload(clientIndex, clientId, copy, 0, copy.length));
    }

    /** Sends {@code payload} to every connected client. */
    public void broadcast(byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        UpdateLoop current = loop;
        if (current != null && current.isLoopThread()) {
            machine.broadcastPayload(payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        execute(target -> target.broadcastPayload(copy, 0, copy.length));
    }

    public void broadcast(byte[] payload) {
        broadcast(payload, 0, payload.length);
    }

    /**
     * Disconnects whichever client is in slot {@code clientIndex} (10 disconnect packets, reason server
     * disconnect). To disconnect a particular player, use {@link #disconnect(int, long)}.
     */
    public void disconnect(int clientIndex) {
        execute(target -> target.disconnectClient(clientIndex));
    }

    /**
     * Disconnects network client {@code clientId} if it still holds slot {@code clientIndex}; completes
     * with whether it did (false when the slot is free, holds another client, or the server is stopped).
     */
    public CompletableFuture<Boolean> disconnect(int clientIndex, long clientId) {
        return call(target -> target.disconnectClient(clientIndex, clientId))
                .exceptionally(stopped -> false);
    }

    /** Disconnects every network client. */
    public void disconnectAll() {
        execute(ServerStateMachine::disconnectAllClients);
    }

    // ---- queries ---------------------------------------------------------------------------------

    public ServerConfig config() {
        return config;
    }

    public int maxClients() {
        return maxClients;
    }

    /**
     * The name of the transport provider this server binds ({@code nio}, {@code epoll}), once started; {@code null}
     * before the first start and for a server given a transport factory.
     */
    public String transportName() {
        return transportName;
    }

    /**
     * The socket buffer sizes of the current (or last) run's UDP socket, or {@code null} when never
     * started or on a transport without a socket.
     */
    public SocketBufferSizes socketBuffers() {
        return socketBuffers;
    }

    /** The bound address (with the real port), or {@code null} when never started. */
    public NetcodeAddress localAddress() {
        ServerStateMachine current = machine;
        return current == null ? null : current.localAddress();
    }

    /** The addresses connect tokens must list for this server, or the configured ones when never started. */
    public List<NetcodeAddress> serverAddresses() {
        ServerStateMachine current = machine;
        return current == null ? config.serverAddresses() : current.serverAddresses();
    }

    /**
     * A consistent picture of the server, taken on its thread.
     *
     * @throws IllegalStateException if the server is not running or does not answer in time
     */
    public ServerSnapshot snapshot() {
        return await(call(this::takeSnapshot));
    }

    private ServerSnapshot takeSnapshot(ServerStateMachine target) {
        double now = target.time();
        Instant wallNow = Instant.now();
        List<ServerSnapshot.Client> clients = new ArrayList<>();
        for (ClientSlot slot : target.connectedSlots()) {
            clients.add(new ServerSnapshot.Client(slot.index(), slot.clientId(), slot.address(), slot.isLoopback(),
                    at(wallNow, now - slot.connectTime()), at(wallNow, now - slot.lastReceiveTime()),
                    slot.packetsReceived(), slot.packetsSent(), slot.bytesReceived(), slot.bytesSent()));
        }
        return new ServerSnapshot(target.localAddress(), target.serverAddresses(), target.maxClients(),
                target.connectedClientCount(), List.copyOf(clients), target.packetsReceived(), target.packetsSent(),
                target.connectionsDenied(), target.dropCounters().snapshot());
    }

    private static Instant at(Instant wallNow, double secondsAgo) {
        return wallNow.minusNanos((long) (secondsAgo * 1e9));
    }

    /**
     * The JVM's warm-up this server's first start ran or waited for ({@link ServerWarmUp.Result#NONE} when its
     * {@link ServerConfig#warmUp()} is zero), or {@code null} when never started.
     */
    public ServerWarmUp.Result warmUp() {
        return warmUp;
    }

    /** Connected clients now (0 when stopped); never blocks. */
    public int connectedClientCount() {
        ServerStateMachine current = machine;
        return current != null && isRunning() ? current.connectedClientCount() : 0;
    }

    /** Totals since this server was created, across restarts; never blocks. */
    public ServerStatistics statistics() {
        return statistics;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(QUERY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying the netcode server", ex);
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException("the netcode server did not answer within " + QUERY_TIMEOUT_MILLIS + " ms", ex);
        }
    }

    /** The state machine of the current run; touch it only on the server's thread. */
    public ServerStateMachine stateMachine() {
        return machine;
    }
}
