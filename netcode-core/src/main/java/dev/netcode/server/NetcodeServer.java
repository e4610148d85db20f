package dev.netcode.server;

import java.time.Duration;
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
 * {@linkplain ServerConfig#transport() selects}, or the config's own {@linkplain ServerConfig#transportProvider()
 * provider} ({@link #transportName()} says which). On a transport
 * with a socket, every start logs at INFO the transport and the socket buffer sizes the OS granted,
 * and WARNs when either is below {@link #socketBufferBytesNeeded(int)} for the configured max
 * clients, naming the Linux sysctl that raises the limit.
 *
 * <p>With {@link ServerConfig#shards()} above 1 the server runs that many state machines, each on its own thread
 * with its own socket on the same port ({@code SO_REUSEPORT}), sharing one slot table ({@code 0..maxClients-1}) and
 * one connect-token history; every method here covers all of them, and sends, disconnects and queries by client
 * index go to the shard that holds the client. Events then arrive on as many threads
 * ({@link ServerConfig.Builder#shards(int)}).
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
    private final TransportProvider provider;
    /** Where the shards bind when {@link ServerConfig#shards()} is above 1; {@code null} for a transport factory. */
    private final NetcodeAddress bindAddress;
    private final int socketBufferBytes;
    private final int maxClients;
    /** Shared by the shards, as by the runs: the totals of the whole server. */
    private final ServerStatistics statistics = new ServerStatistics();
    /** The current (or last) run's shards: one unless {@link ServerConfig#shards()} says more. */
    private volatile Shard[] shards = {};
    /** The current run's slot table when it has more than one shard, else {@code null}. */
    private volatile ClientIndexSpace indexSpace;
    private volatile SocketBufferSizes socketBuffers;
    private volatile String transportName;
    private volatile ServerWarmUp.Result warmUp;

    /**
     * A server that will bind {@code transportFactory.get()} on {@link #start()}.
     *
     * @throws IllegalArgumentException if {@code maxClients} is out of range, or if the config asks for more than one
     *         {@linkplain ServerConfig#shards() shard} (those bind their sockets themselves, by address)
     */
    public NetcodeServer(ServerConfig config, Supplier<? extends Transport> transportFactory, int maxClients) {
        this(config, transportFactory, null, null, UdpTransport.SOCKET_BUFFER_BYTES, maxClients);
        if (config.shards() > 1) {
            throw new IllegalArgumentException("a server of " + config.shards() + " shards binds its sockets itself, "
                    + "one per shard on one port: build it with NetcodeServer(config, bindAddress, maxClients), or "
                    + "set shards to 1");
        }
    }

    private NetcodeServer(ServerConfig config, Supplier<? extends Transport> transportFactory, TransportProvider provider,
            NetcodeAddress bindAddress, int socketBufferBytes, int maxClients) {
        if (maxClients < 1 || maxClients > ServerConfig.MAX_CLIENTS_LIMIT) {
            throw new IllegalArgumentException(
                    "max clients must be 1.." + ServerConfig.MAX_CLIENTS_LIMIT + ", got " + maxClients);
        }
        this.config = Objects.requireNonNull(config, "config");
        this.transportFactory = Objects.requireNonNull(transportFactory, "transportFactory");
        this.bindAddress = bindAddress;
        this.socketBufferBytes = socketBufferBytes;
        this.maxClients = maxClients;
        this.provider = provider;
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
        this(config, providerOf(Objects.requireNonNull(config, "config")),
                Objects.requireNonNull(bindAddress, "bindAddress"), UdpTransport.checkSocketBufferBytes(socketBufferBytes),
                maxClients);
    }

    private NetcodeServer(ServerConfig config, TransportProvider provider, NetcodeAddress bindAddress,
            int socketBufferBytes, int maxClients) {
        this(config, () -> provider.bind(bindAddress,
                new TransportOptions(socketBufferBytes, false, config.receiveCoalescing())), provider,
                bindAddress, socketBufferBytes, maxClients);
    }

    /** The config's own {@linkplain ServerConfig#transportProvider() provider}, else the one its selection resolves to. */
    private static TransportProvider providerOf(ServerConfig config) {
        TransportProvider given = config.transportProvider();
        return given != null ? given : TransportSelection.resolve(config.transport());
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
        if (config.shards() > 1) {
            startShards(config.shards());
            return;
        }
        Transport transport = transportFactory.get();
        ServerStateMachine newMachine;
        try {
            newMachine = new ServerStateMachine(config, transport, 0.0, statistics);
            if (shards.length > 0) {
                newMachine.carryOver(shards[0].machine);
            }
            newMachine.start(maxClients);
        }
        catch (RuntimeException ex) {
            transport.close();
            throw ex;
        }
        UpdateLoop newLoop = transport.newLoop("netcode-server-" + transport.localAddress().port(), 0.0,
                newMachine::update, newMachine::nextUpdateTime, newMachine::close);
        shards = new Shard[] { new Shard(newMachine, newLoop) };
        transportName = provider == null ? null : provider.name();
        socketBuffers = transport.socketBuffers();
        if (socketBuffers != null) {
            logSocketBuffers(socketBuffers);
        }
        newLoop.start();
    }

    /**
     * {@code address} with a port no socket holds, checked by binding it without {@code SO_REUSEPORT} for a moment (port
     * 0: the OS picks one). Linux lets any socket of the same user that sets {@code SO_REUSEPORT} join a port whose
     * sockets all set it, so without this check a second sharded server started on the same port by mistake (or, for
     * port 0, handed a port another group holds) would silently get half of the clients; with it, it fails as an
     * unsharded one does, port in use. A process that binds the port in the instant between this check and the
     * shards' binds is not caught.
     */
    private static NetcodeAddress unsharedPort(NetcodeAddress address) {
        try (UdpTransport probe = UdpTransport.bind(address,
                new TransportOptions(UdpTransport.MIN_REQUESTED_SOCKET_BUFFER_BYTES, false, Duration.ZERO))) {
            return address.withPort(probe.localAddress().port());
        }
    }

    /**
     * Binds {@code count} sockets to the bind address with {@code SO_REUSEPORT} to a port no other socket holds
     * ({@link #unsharedPort}: the one asked for, or for 0 one the OS picks), and starts a state machine on each, on its own
     * loop, all sharing one slot table and one token history (carried over from the last run, as one server's is).
     */
    private void startShards(int count) {
        TransportOptions options = new TransportOptions(socketBufferBytes, true, config.receiveCoalescing());
        ClientIndexSpace newIndexSpace = new ClientIndexSpace(maxClients);
        int historyCapacity = ServerConfig.tokenHistoryCapacity(maxClients);
        ConnectTokenHistory history = shards.length > 0
                ? ConnectTokenHistory.carryingOver(shards[0].machine.tokenHistory(), historyCapacity)
                : new ConnectTokenHistory(historyCapacity);
        List<Transport> transports = new ArrayList<>(count);
        ServerStateMachine[] machines = new ServerStateMachine[count];
        Shard[] newShards = new Shard[count];
        NetcodeAddress groupAddress = unsharedPort(bindAddress);
        try {
            for (int i = 0; i < count; i++) {
                transports.add(provider.bind(groupAddress, options));
            }
            NetcodeAddress first = transports.get(0).localAddress();
            for (int i = 0; i < count; i++) {
                ServerStateMachine newMachine = new ServerStateMachine(config, transports.get(i), 0.0, statistics);
                machines[i] = newMachine;
                newMachine.joinShards(newIndexSpace, i, history);
                newMachine.start(maxClients);
                newShards[i] = new Shard(newMachine, transports.get(i).newLoop("netcode-server-" + first.port()
                        + "-shard-" + i, 0.0, newMachine::update, newMachine::nextUpdateTime, newMachine::close));
            }
        }
        catch (RuntimeException ex) {
            for (int i = 0; i < transports.size(); i++) {
                // A state machine closes its transport, and wipes its copy of the key.
                if (machines[i] != null) {
                    machines[i].close();
                }
                else {
                    transports.get(i).close();
                }
            }
            throw ex;
        }
        indexSpace = newIndexSpace;
        shards = newShards;
        transportName = provider.name();
        socketBuffers = transports.get(0).socketBuffers();
        if (socketBuffers != null) {
            logSocketBuffers(socketBuffers);
        }
        for (Shard shard : newShards) {
            shard.loop.start();
        }
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
        log.info("netcode server on {}: transport {}{}, socket buffers granted receive {} bytes, send {} bytes ({} requested"
                + " each)", localAddress(), provider == null ? "given by the application" : provider.name(),
                shards.length > 1 ? " x " + shards.length + " shards" : "", buffers.receiveBytes(), buffers.sendBytes(),
                buffers.requestedBytes());
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
                + "{}={}){}", localAddress(), buffer, granted, needed, maxClients, maxClients, BURST_DATAGRAMS_PER_CLIENT,
                NetcodeProtocol.MAX_PACKET_BYTES, sysctl, needed,
                (requested < needed) ? " and ask for at least " + needed + " bytes (" + requested + " were asked for)" : "");
    }

    /**
     * Stops serving: every client gets disconnect packets, the thread ends, the transport closes (each shard's,
     * all stopping at once). Waits up to {@code timeoutMillis}.
     */
    public synchronized void stop(long timeoutMillis) {
        Shard[] current = shards;
        for (Shard shard : current) {
            if (shard.loop.isAlive()) {
                shard.loop.execute(shard.machine::stop);
            }
        }
        for (Shard shard : current) {
            if (shard.loop.isAlive()) {
                shard.loop.stop(timeoutMillis);
            }
        }
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

    /** Whether the server is serving (with shards, whether any of them still is). */
    public boolean isRunning() {
        for (Shard shard : shards) {
            if (shard.loop.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Seconds on the server's update clock (0 at start; with shards, the first shard's clock). */
    public double now() {
        Shard[] current = shards;
        return current.length == 0 ? 0 : current[0].loop.now();
    }

    // ---- commands, from any thread --------------------------------------------------------------

    /**
     * Runs {@code command} with the state machine on the server's thread, soon; ignored when stopped. With shards,
     * it runs on every shard's thread with that shard's state machine, which holds only the clients on that shard
     * (commands for a client index do nothing where the slot is free); {@link #execute(int, Consumer)} runs on the
     * one shard that holds an index.
     */
    public void execute(Consumer<ServerStateMachine> command) {
        for (Shard shard : shards) {
            shard.execute(command);
        }
    }

    /**
     * As {@link #execute(Consumer)}, but a loop in a receive-coalescing pause finishes it first (at most
     * {@link ServerConfig#receiveCoalescing()}): for sends, so that replies made on other threads under load leave in
     * the batch after the pause instead of ending every pause.
     */
    public void executeAfterPause(Consumer<ServerStateMachine> command) {
        for (Shard shard : shards) {
            shard.executeAfterPause(command);
        }
    }

    /**
     * Runs {@code command} on the thread of the state machine that holds client index {@code clientIndex}: the
     * server's, or with shards the shard's that holds the client (nothing runs when no shard does). Ignored when
     * stopped.
     */
    public void execute(int clientIndex, Consumer<ServerStateMachine> command) {
        Shard shard = shardHolding(clientIndex);
        if (shard != null) {
            shard.execute(command);
        }
    }

    /**
     * Runs {@code query} on the server's thread and completes with its result (exceptionally when stopped). With
     * shards, on the first shard's thread with its state machine, which holds only that shard's clients: ask for a
     * client index with {@link #call(int, Function)}, and for every client with {@link #callEach(Function)}.
     */
    public <T> CompletableFuture<T> call(Function<ServerStateMachine, T> query) {
        Shard[] current = shards;
        return current.length == 0 ? notRunning() : current[0].call(query);
    }

    /**
     * Runs {@code query} on the thread of the state machine that holds client index {@code clientIndex} and completes
     * with its result (exceptionally when stopped): the server's, or with shards the shard's that holds the client,
     * or the first shard's when none does (where that slot is free too).
     */
    public <T> CompletableFuture<T> call(int clientIndex, Function<ServerStateMachine, T> query) {
        Shard[] current = shards;
        if (current.length == 0) {
            return notRunning();
        }
        Shard shard = shardHolding(clientIndex);
        return (shard != null ? shard : current[0]).call(query);
    }

    /**
     * Runs {@code query} on every shard's thread with its state machine (the one of a server with a single shard)
     * and completes with the results in shard order, exceptionally when stopped or when one query fails.
     */
    public <T> CompletableFuture<List<T>> callEach(Function<ServerStateMachine, T> query) {
        Shard[] current = shards;
        if (current.length == 0) {
            return notRunning();
        }
        List<CompletableFuture<T>> answers = new ArrayList<>(current.length);
        for (Shard shard : current) {
            answers.add(shard.call(query));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<T> results = new ArrayList<>(answers.size());
            for (CompletableFuture<T> answer : answers) {
                results.add(answer.join());
            }
            return results;
        });
    }

    private static <T> CompletableFuture<T> notRunning() {
        return CompletableFuture.failedFuture(new IllegalStateException("the netcode server is not running"));
    }

    /**
     * The shard whose state machine holds client index {@code clientIndex}: the only one of an unsharded server (which
     * checks the index itself), the owner in the slot table otherwise; {@code null} when stopped or nobody holds it.
     */
    private Shard shardHolding(int clientIndex) {
        Shard[] current = shards;
        if (current.length == 1) {
            return current[0];
        }
        ClientIndexSpace space = indexSpace;
        int owner = space == null ? ClientIndexSpace.FREE : space.owner(clientIndex);
        return owner == ClientIndexSpace.FREE || owner >= current.length ? null : current[owner];
    }

    /**
     * Sends {@code payload[offset, offset + length)} (1..1200 bytes) to the client in slot
     * {@code clientIndex}; nothing happens if the slot is free.
     */
    public void send(int clientIndex, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        Shard shard = shardHolding(clientIndex);
        if (shard == null) {
            return;
        }
        if (shard.loop.isLoopThread()) {
            shard.machine.sendPayload(clientIndex, payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        shard.executeAfterPause(target -> target.sendPayload(clientIndex, copy, 0, copy.length));
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
        Shard shard = shardHolding(clientIndex);
        if (shard == null) {
            return;
        }
        if (shard.loop.isLoopThread()) {
            shard.machine.sendPayload(clientIndex, clientId, payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        shard.executeAfterPause(target -> target.sendPayload(clientIndex, clientId, copy, 0, copy.length));
    }

    /** Sends {@code payload} to every connected client. */
    public void broadcast(byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        byte[] copy = null;
        for (Shard shard : shards) {
            if (shard.loop.isLoopThread()) {
                shard.machine.broadcastPayload(payload, offset, length);
                continue;
            }
            // One copy for every shard: they only read it.
            byte[] shared = copy != null ? copy : (copy = Arrays.copyOfRange(payload, offset, offset + length));
            shard.executeAfterPause(target -> target.broadcastPayload(shared, 0, shared.length));
        }
    }

    public void broadcast(byte[] payload) {
        broadcast(payload, 0, payload.length);
    }

    /**
     * Disconnects whichever client is in slot {@code clientIndex} (10 disconnect packets, reason server
     * disconnect). To disconnect a particular player, use {@link #disconnect(int, long)}.
     */
    public void disconnect(int clientIndex) {
        execute(clientIndex, target -> target.disconnectClient(clientIndex));
    }

    /**
     * Disconnects network client {@code clientId} if it still holds slot {@code clientIndex}; completes
     * with whether it did (false when the slot is free, holds another client, or the server is stopped).
     */
    public CompletableFuture<Boolean> disconnect(int clientIndex, long clientId) {
        return call(clientIndex, target -> target.disconnectClient(clientIndex, clientId))
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
     * The name of the transport provider this server binds ({@code native}, {@code epoll}, {@code nio}), once
     * started; {@code null} before the first start and for a server given a transport factory.
     */
    public String transportName() {
        return transportName;
    }

    /**
     * The socket buffer sizes of the current (or last) run's UDP socket (with shards, the first shard's; all ask
     * for the same), or {@code null} when never started or on a transport without a socket.
     */
    public SocketBufferSizes socketBuffers() {
        return socketBuffers;
    }

    /** The bound address (with the real port; every shard's is the same), or {@code null} when never started. */
    public NetcodeAddress localAddress() {
        Shard[] current = shards;
        return current.length == 0 ? null : current[0].machine.localAddress();
    }

    /** The addresses connect tokens must list for this server, or the configured ones when never started. */
    public List<NetcodeAddress> serverAddresses() {
        Shard[] current = shards;
        return current.length == 0 ? config.serverAddresses() : current[0].machine.serverAddresses();
    }

    /**
     * A consistent picture of the server, taken on its thread (with shards, each shard's part on its own thread,
     * then put together in index order).
     *
     * @throws IllegalStateException if the server is not running or does not answer in time
     */
    public ServerSnapshot snapshot() {
        List<ServerSnapshot> parts = await(callEach(this::takeSnapshot));
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<ServerSnapshot.Client> clients = new ArrayList<>();
        for (ServerSnapshot part : parts) {
            clients.addAll(part.clients());
        }
        clients.sort((a, b) -> Integer.compare(a.index(), b.index()));
        // The totals are the server's (the shards add to one set), so any part has them; the last is the latest.
        ServerSnapshot last = parts.get(parts.size() - 1);
        return new ServerSnapshot(last.boundAddress(), last.serverAddresses(), maxClients, clients.size(),
                List.copyOf(clients), last.packetsReceived(), last.packetsSent(), last.connectionsDenied(),
                last.drops());
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

    /** Connected clients now, on every shard (0 when stopped); never blocks. */
    public int connectedClientCount() {
        if (!isRunning()) {
            return 0;
        }
        Shard[] current = shards;
        ClientIndexSpace space = indexSpace;
        return current.length == 1 || space == null ? current[0].machine.connectedClientCount()
                : space.connectedCount();
    }

    /** Totals since this server was created, across restarts (and shards); never blocks. */
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

    /**
     * The state machine of the current run (with shards, the first shard's: see {@link #stateMachines()}); touch it
     * only on its thread.
     */
    public ServerStateMachine stateMachine() {
        Shard[] current = shards;
        return current.length == 0 ? null : current[0].machine;
    }

    /** The current run's state machines, one per shard in shard order; touch each only on its thread. */
    public List<ServerStateMachine> stateMachines() {
        List<ServerStateMachine> machines = new ArrayList<>();
        for (Shard shard : shards) {
            machines.add(shard.machine);
        }
        return machines;
    }

    /** One state machine and the loop that drives it. */
    private record Shard(ServerStateMachine machine, UpdateLoop loop) {

        /** Runs {@code command} with the machine on its thread: at once on that thread, else queued; ignored when stopped. */
        void execute(Consumer<ServerStateMachine> command) {
            submit(command, false);
        }

        /** As {@link #execute}, but queued with {@link UpdateLoop#executeAfterPause}: for sends. */
        void executeAfterPause(Consumer<ServerStateMachine> command) {
            submit(command, true);
        }

        private void submit(Consumer<ServerStateMachine> command, boolean afterPause) {
            if (!loop.isAlive()) {
                return;
            }
            if (loop.isLoopThread()) {
                command.accept(machine);
            }
            else if (afterPause) {
                loop.executeAfterPause(() -> command.accept(machine));
            }
            else {
                loop.execute(() -> command.accept(machine));
            }
        }

        <T> CompletableFuture<T> call(Function<ServerStateMachine, T> query) {
            CompletableFuture<T> result = new CompletableFuture<>();
            if (!loop.isAlive()) {
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
    }
}
