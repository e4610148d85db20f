package dev.netcode.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.NetcodeServer;
import dev.netcode.transport.SocketBufferSizes;
import dev.netcode.transport.TransportSelection;

/**
 * {@code server}: an echo server. Every payload goes straight back to the client that sent it; with
 * {@code --reliable}, every packet a client's {@link ReliableEcho reliable endpoint} delivers does;
 * with {@code --channels}, every message goes back on the channel it came on ({@link ChannelEcho}).
 *
 * <p>The server runs in a {@link NetcodeServer} (its own thread, real monotonic time); events
 * arrive on that thread, where {@link ServerEventHandler#onPayload} echoes with
 * {@link NetcodeServer#send}, which on that thread sends directly from the receive buffer, without a
 * copy or a command hop. One line per event goes to stdout, flushed at once:
 * <pre>
 * listening addr=127.0.0.1:40000 rcvbuf=4194304 sndbuf=4194304 transport=native
 * connect index=0 id=42 addr=127.0.0.1:51234
 * disconnect index=0 id=42 reason=client_disconnect
 * drops total=3 token_decrypt_failed=3 (+3)
 * drops total=3 token_decrypt_failed=3
 * summary connected=1 payloads_in=10 payloads_out=10
 * </pre>
 * A {@link DropReport drops} line says why datagrams were dropped, at most once a second and only
 * when a count grew, so a client with the wrong key or protocol id shows on the server; the last
 * one, the final tally, comes just before the summary.
 * The {@code listening} line carries the real bound address (binding port 0 picks one) and the
 * receive and send socket buffer sizes the OS granted, in bytes ({@link SocketBufferSizes}; the
 * server warns on stderr when they are below what {@code --max-clients} need), and the transport
 * {@code --transport} picked ({@code native}, {@code epoll} or {@code nio}; fields are only ever added to this line,
 * scripts read it by name). The
 * summary comes after {@code --seconds}, or when the process is asked to stop (SIGINT/SIGTERM run
 * the shutdown hook, which stops the server, printing a {@code server_disconnect} line for every
 * client still connected, then the summary), or when the thread running the command is interrupted.
 *
 * <p>With {@code --directory} the server is announced in the fleet directory in Redis
 * ({@link FleetAnnouncer}): at once, then every second (its listing lives three seconds), with its
 * addresses, slots, connected clients and {@code --region}, so that {@code token --directory} and
 * Spring token issuers can reserve its free slots; a {@code fleet id=ID directory=URI listed=true}
 * line follows the {@code listening} one. A stop withdraws it from the directory before its clients
 * are disconnected; a server killed outright drops out when its listing expires. When Redis cannot
 * be reached the server keeps serving (listed=false, one warning on stderr) and is listed again as
 * soon as a heartbeat gets through.
 */
final class EchoServerCommand implements Command {

    private static final Set<String> ONCE = Stream.of(Stream.of("bind", "public", "protocol", "max-clients", "seconds",
            "warm-up", "transport", "shards", "receive-coalescing", "region", "server-id"), Args.KEY_FLAGS.stream(),
            DirectoryFlags.FLAGS.stream())
            .flatMap(flags -> flags).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> SWITCHES = Set.of("reliable", "channels");

    /** How often a {@code drops} line may be printed while datagrams are being dropped. */
    private static final long DROP_REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Override
    public String name() {
        return "server";
    }

    @Override
    public String summary() {
        return "run an echo server that sends every payload back to its sender";
    }

    @Override
    public String usage() {
        return """
                usage: netcode-cli server --bind ADDR [--public ADDR] [--key-file FILE | --key-env NAME | --key K] --protocol P
                                          --max-clients N --seconds T [--warm-up MS] [--transport T] [--shards N]
                                          [--receive-coalescing US] [--reliable | --channels]
                                          [--directory redis://HOST:PORT [--key-prefix P] [--region R]
                                          [--server-id ID]]
                  --bind ADDR        local address to bind (port 0 picks a free port, printed on the 'listening' line)
                  --public ADDR      the address connect tokens list for this server (their --internal address);
                                     default the bind address; required when binding a wildcard (0.0.0.0, [::])
                %2$s
                  --protocol P       protocol id (hex, optional 0x)
                  --max-clients N    client slots, 1..%d
                  --seconds T        run for T seconds, then print the summary and exit; 0 runs until stopped
                  --warm-up MS       before binding, run the packet paths on synthetic traffic for up to MS
                                     milliseconds, 0..%6$d (default %7$d; 0 disables), so the first second of
                                     real traffic meets compiled code; what it did is logged on stderr
                  --transport T      auto (default: native where it runs, else epoll where it runs, else nio),
                                     native (batched recvmmsg/sendmmsg in netcode's own JNI library, Linux), epoll
                                     (the same through Netty, Linux x86-64) or nio (the JDK's DatagramChannel); native
                                     and epoll fail where they cannot run
                  --shards N         event loops (threads, one socket each on the one port, SO_REUSEPORT) the
                                     clients are spread over, 1..%8$d (default 1); not with --channels
                  --receive-coalescing US
                                     after a receive that emptied a busy socket, wait US microseconds before the
                                     next, so that datagrams are taken in batches, 0..%9$d (default %10$d; 0 off;
                                     native and nio)
                  --reliable         payloads are 'reliable' datagrams (C library reliable 1.0: acks, fragments);
                                     every packet delivered is echoed as a new reliable packet to its sender
                  --channels         payloads carry messages on four channels, one per delivery mode (%3$s,
                                     ids in that order); every message is echoed to its sender on its channel
                announce the server in the fleet directory while it runs (withdrawn when it stops; it keeps
                serving when Redis is down), for token --directory to reserve its slots:
                %4$s
                  --region R         the region tokens ask for (token --region); default none
                  --server-id ID     its id in the fleet, 1..%5$d of A-Z a-z 0-9 . _ : - (default netcode-cli-<8 hex>)
                prints: listening addr=ADDR rcvbuf=BYTES sndbuf=BYTES transport=native|epoll|nio | fleet id=ID directory=URI listed=true|false
                        | connect index=I id=ID addr=ADDR | disconnect index=I id=ID reason=R
                        | drops total=N REASON=N [(+N)] ... (at most once a second, when datagrams were dropped:
                          token_decrypt_failed is a wrong key, wrong_protocol_id a wrong --protocol,
                          token_already_used a token used twice, client_id_already_connected a client id
                          already playing; then once more, without the (+N), before the summary)
                        | summary connected=N payloads_in=N payloads_out=N [reliable_delivered=N reliable_echoed=N]
                          [messages_in=N messages_out=N messages_refused=N]""".formatted(ServerConfig.MAX_CLIENTS_LIMIT,
                Args.keyUsage("the private key shared with the token minter", 19), EchoChannels.names(),
                DirectoryFlags.usage(19), ServerAnnouncement.MAX_ID_LENGTH, ServerConfig.MAX_WARM_UP.toMillis(),
                ServerConfig.DEFAULT_WARM_UP.toMillis(), ServerConfig.MAX_SHARDS,
                ServerConfig.MAX_RECEIVE_COALESCING.toNanos() / 1000, ServerConfig.DEFAULT_RECEIVE_COALESCING.toNanos() / 1000);
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, ONCE, Set.of(), SWITCHES);
        NetcodeAddress bind = args.address("bind");
        NetcodeAddress publicAddress = args.optionalAddress("public");
        byte[] key = args.privateKey(environment);
        long protocolId = args.protocolId("protocol");
        int maxClients = args.intIn("max-clients", 1, ServerConfig.MAX_CLIENTS_LIMIT);
        int seconds = args.intIn("seconds", 0, Integer.MAX_VALUE);
        int warmUpMillis = args.intIn("warm-up", 0, (int) ServerConfig.MAX_WARM_UP.toMillis(),
                (int) ServerConfig.DEFAULT_WARM_UP.toMillis());
        TransportSelection transport = transport(args);
        int shards = args.intIn("shards", 1, ServerConfig.MAX_SHARDS, 1);
        int coalescingMicros = args.intIn("receive-coalescing", 0,
                (int) (ServerConfig.MAX_RECEIVE_COALESCING.toNanos() / 1000),
                (int) (ServerConfig.DEFAULT_RECEIVE_COALESCING.toNanos() / 1000));
        if (publicAddress == null && bind.toInetAddress().isAnyLocalAddress()) {
            throw new UsageException("--bind " + bind + " is a wildcard address: give --public with the address clients"
                    + " reach this server at (the one connect tokens list)");
        }
        if (publicAddress != null && publicAddress.port() == 0) {
            throw new UsageException("--public needs a real port, got " + publicAddress);
        }

        if (args.has("reliable") && args.has("channels")) {
            throw new UsageException("--reliable and --channels exclude each other (the channels run on their own reliable layer)");
        }
        if (shards > 1 && args.has("channels")) {
            throw new UsageException("--channels runs on one server thread: leave --shards at 1");
        }
        DirectoryFlags directoryFlags = DirectoryFlags.parse(args, List.of("region", "server-id"));
        String serverId = serverId(args);
        String region = DirectoryFlags.region(args);
        Map<String, String> labels = region == null ? Map.of() : Map.of(ServerAnnouncement.REGION_LABEL, region);
        Echo echo = new Echo(out, args.has("reliable"));
        ChannelEcho channelEcho = args.has("channels") ? new ChannelEcho(echo) : null;
        ServerConfig.Builder config = ServerConfig.builder(protocolId, key)
                .eventHandler(channelEcho == null ? echo : channelEcho.handler())
                .warmUp(Duration.ofMillis(warmUpMillis))
                .transport(transport)
                .shards(shards)
                .receiveCoalescing(Duration.ofNanos(coalescingMicros * 1000L));
        if (publicAddress != null) {
            config.serverAddress(publicAddress);
        }
        NetcodeServer runtime;
        try {
            runtime = new NetcodeServer(config.build(), bind, maxClients);
        }
        catch (IllegalStateException ex) {
            // --transport native or epoll where it cannot run; the message says what to fix.
            err.println("netcode-cli server: " + ex.getMessage());
            return NetcodeCli.EXIT_FAILURE;
        }
        echo.server = runtime;
        if (echo.reliable) {
            echo.reliableEcho = new ReliableEcho(runtime, maxClients, echo.payloadsOut);
        }
        try {
            runtime.start();
        }
        catch (UncheckedIOException ex) {
            err.println("netcode-cli server: " + ex.getMessage());
            return NetcodeCli.EXIT_FAILURE;
        }
        SocketBufferSizes buffers = runtime.socketBuffers();
        echo.line("listening addr=" + runtime.localAddress() + " rcvbuf=" + buffers.receiveBytes() + " sndbuf="
                + buffers.sendBytes() + " transport=" + runtime.transportName());
        ServerDirectory directory = null;
        FleetAnnouncer announcer = null;
        if (directoryFlags != null) {
            directory = directoryFlags.open(environment);
            announcer = FleetAnnouncer.forServer(directory, runtime, serverId, labels, FleetAnnouncer.DEFAULT_INTERVAL);
            announcer.start();
            echo.line("fleet id=" + serverId + " directory=" + directoryFlags.uri() + " listed=" + announcer.isListed());
        }

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                // The JVM halts when the hook returns: give the command's thread time to finish.
                finished.await(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "netcode-cli-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        DropReport drops = new DropReport(runtime.statistics().drops());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!stop.await(seconds == 0 ? DROP_REPORT_NANOS
                    : Math.min(DROP_REPORT_NANOS, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    && (seconds == 0 || System.nanoTime() < deadline)) {
                String changed = drops.lineIfChanged();
                if (changed != null) {
                    echo.line(changed);
                }
            }
        }
        catch (InterruptedException ex) {
            interrupted = true;
        }
        try {
            if (announcer != null) {
                // Withdrawn first: no token minted from now on lists a server that is going away.
                announcer.close();
                directory.close();
            }
            // Stops the server on its own thread: clients still connected get disconnect packets and
            // a 'disconnect ... reason=server_disconnect' line each, before the summary. Closing
            // also wipes the key in the server's config.
            runtime.close();
            echo.line(drops.totals());
            echo.line("summary connected=" + echo.connected.get() + " payloads_in=" + echo.payloadsIn.get()
                    + " payloads_out=" + echo.payloadsOut.get() + (echo.reliable ? " reliable_delivered="
                    + echo.reliableEcho.packetsDelivered.get() + " reliable_echoed=" + echo.reliableEcho.packetsEchoed.get() : "")
                    + (channelEcho != null ? " messages_in=" + channelEcho.messagesIn.get() + " messages_out="
                    + channelEcho.messagesOut.get() + " messages_refused=" + channelEcho.messagesRefused.get() : ""));
            return NetcodeCli.EXIT_OK;
        }
        finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (IllegalStateException ex) {
                // Shutting down already: the hook is running and returns once 'finished' is down.
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code --transport}, {@link TransportSelection#AUTO} when not given. */
    private static TransportSelection transport(Args args) throws UsageException {
        String value = args.optional("transport");
        if (value == null) {
            return TransportSelection.AUTO;
        }
        try {
            return TransportSelection.parse(value);
        }
        catch (IllegalArgumentException ex) {
            throw new UsageException("--transport: " + ex.getMessage());
        }
    }

    /** {@code --server-id}, or a random one. */
    private static String serverId(Args args) throws UsageException {
        String id = args.optional("server-id");
        if (id == null) {
            return "netcode-cli-" + Bytes.toHex(SecureRandomBytes.bytes(4));
        }
        if (!id.matches("[A-Za-z0-9._:-]{1," + ServerAnnouncement.MAX_ID_LENGTH + "}")) {
            throw new UsageException("--server-id must be 1 to " + ServerAnnouncement.MAX_ID_LENGTH
                    + " letters, digits, '.', '_', ':' or '-', got '" + id + "'");
        }
        return id;
    }

    /** The event handler: echoes payloads and prints events; every method runs on the server's thread. */
    private static final class Echo implements ServerEventHandler {

        private final PrintStream out;
        private final AtomicLong connected = new AtomicLong();
        private final AtomicLong payloadsIn = new AtomicLong();
        private final AtomicLong payloadsOut = new AtomicLong();
        private final boolean reliable;
        private volatile NetcodeServer server;
        private volatile ReliableEcho reliableEcho;

        Echo(PrintStream out, boolean reliable) {
            this.out = out;
            this.reliable = reliable;
        }

        @Override
        public void onClientConnected(ClientSlot slot) {
            connected.incrementAndGet();
            if (reliable) {
                reliableEcho.connected(slot.index());
            }
            line("connect index=" + slot.index() + " id=" + Long.toUnsignedString(slot.clientId()) + " addr="
                    + (slot.isLoopback() ? "loopback" : slot.address()));
        }

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            payloadsIn.incrementAndGet();
            if (reliable) {
                reliableEcho.received(slot.index(), buf, offset, length);
            }
            else if (slot.isConnected()) {
                server.send(slot.index(), buf, offset, length);
                payloadsOut.incrementAndGet();
            }
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            if (reliable) {
                reliableEcho.disconnected(slot.index());
            }
            line("disconnect index=" + slot.index() + " id=" + Long.toUnsignedString(slot.clientId()) + " reason="
                    + reason.name().toLowerCase(Locale.ROOT));
        }

        void line(String text) {
            Printer.line(out, text);
        }
    }
}
