package dev.netcode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageClient;
import dev.netcode.message.MessageConnection;
import dev.netcode.message.MessageLimitException;
import dev.netcode.server.ServerConfig;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.Transport;

/**
 * {@code load}: many clients in one process against an echo server, measuring loss and round-trip
 * time. It mints its own connect tokens (client ids 1..M) with the server's key for the given
 * address, connects every client, has each send {@code --rate} payloads a second for
 * {@code --seconds}, waits {@value #DRAIN_MILLIS} ms for late echoes, disconnects every client
 * cleanly and prints
 * <pre>
 * load sent=N echoed=N loss=PCT rtt_p50_ms=X rtt_p99_ms=Y pps=Z connected=C
 * </pre>
 * where loss is the percentage of payloads sent whose echo never came back, pps the echoes
 * received per second of the sending phase, and C how many of the M clients connected (only they
 * send; fewer than M also makes the exit status 1). Each payload carries the client's number, its
 * sequence number and its send time ({@link System#nanoTime()}), then bytes derived from the
 * sequence; an echo counts once, and only if it matches byte for byte.
 *
 * <p><b>Channels.</b> With {@code --channel MODE} each client runs a {@link MessageClient} on the
 * {@link EchoChannels} config (the one {@code server --channels} uses) and sends each payload as a
 * message on the channel of that delivery mode; the server echoes it on the same channel. The
 * round-trip times are then message delivery latencies: from the {@code send} call to the echo's
 * delivery, flush intervals and re-sends included. A send the channel refuses (its window or queue
 * full) is counted, not sent. The line gets {@code channel=MODE refused=N resent=N} appended, where
 * resent counts the client's re-sent messages and block fragments; on reliable channels the exit
 * status also requires every message back, and on the ordered one every echo in order.
 *
 * <p><b>Injected loss.</b> {@code --drop-percent P} drops each datagram a client sends or receives
 * with probability P % ({@code --drop-seed} seeds the choice), from the start of the sending phase
 * to the end of the drain, so the handshake is not affected; the line gets
 * {@code dropped_out=N dropped_in=N} appended.
 *
 * <p><b>Threading.</b> Everything runs on the calling thread; there is no thread per client and no
 * busy loop. Each client is an ordinary {@link ClientStateMachine} on a small {@link Transport} of our
 * own whose non-blocking {@link DatagramChannel} is registered with <em>one shared
 * {@link Selector}</em> (the core's {@code UdpTransport} keeps a private selector per socket, which
 * would cost a thread or a poll per client). The loop:
 * <ul>
 * <li>blocks in {@code select} until a socket is readable or the next timer is due (at most 1 ms
 * while sending, {@value #FULL_UPDATE_MILLIS} ms otherwise);</li>
 * <li>updates just the clients whose sockets are readable, which receives their echoes at once, so
 * the RTT is measured without waiting for a tick;</li>
 * <li>every {@value #FULL_UPDATE_MILLIS} ms updates every client, for handshake packets,
 * keep-alives (10 Hz) and timeouts; a client whose socket was not selected skips the receive
 * system call then;</li>
 * <li>at most once a millisecond sends the payloads that are due; client {@code i}'s schedule is
 * offset by {@code i/M} of the send interval so the clients don't fire in bursts.</li>
 * </ul>
 * All clients share one receive buffer and one send buffer. With M=256 and R=60 that is about 15,000
 * payloads a second out and in, which costs this thread a fraction of one core (mostly the AEAD).
 */
final class LoadCommand implements Command {

    static final int HEADER_BYTES = 16;

    /** {@code --payload-bytes} when not given: a small game update, as in most games. */
    static final int DEFAULT_PAYLOAD_BYTES = 100;
    static final long DRAIN_MILLIS = 1_000;
    /** The longest drain on a reliable channel, which ends as soon as every message is back; re-sends need time. */
    static final long RELIABLE_DRAIN_MILLIS = 5_000;
    static final long FULL_UPDATE_MILLIS = 10;
    static final long CONNECT_TIMEOUT_MILLIS = 15_000;
    static final int TOKEN_TIMEOUT_SECONDS = 10;
    /**
     * A token only has to last until its client is connected (at most {@link #CONNECT_TIMEOUT_MILLIS}).
     * Keeping it as short as netcode's usual 30 s matters: the server holds a used token in its history
     * (2,048 entries for 256 slots) until the token expires, so long-lived tokens fill it within a few
     * back-to-back runs and later clients are silently ignored.
     */
    static final int TOKEN_EXPIRE_SECONDS = 30;

    private static final Set<String> ONCE = Stream.concat(Stream.of("server", "protocol", "clients", "rate", "seconds",
            "payload-bytes", "channel", "drop-percent", "drop-seed"), Args.KEY_FLAGS.stream())
            .collect(Collectors.toUnmodifiableSet());

    @Override
    public String name() {
        return "load";
    }

    @Override
    public String summary() {
        return "many clients in one process against an echo server; prints loss and round-trip times";
    }

    @Override
    public String usage() {
        return """
                usage: netcode-cli load --server ADDR [--key-file FILE | --key-env NAME | --key K] --protocol P --clients M --rate R
                                        --seconds T [--payload-bytes B] [--channel MODE] [--drop-percent P [--drop-seed S]]
                  --server ADDR       echo server address (the tokens minted in-process list it)
                %4$s
                  --protocol P        protocol id (hex, optional 0x)
                  --clients M         clients, with ids 1..M, 1..%d (the server needs M free slots)
                  --rate R            payloads per second per client, 1..1000
                  --seconds T         length of the sending phase
                  --payload-bytes B   payload size, %d..%d (default %6$d)
                  --channel MODE      send each payload as a message on this channel of the server's --channels
                                      set: %5$s
                  --drop-percent P    drop P %% (0..100) of the datagrams each client sends and receives, at random,
                                      from the sending phase on
                  --drop-seed S       seed of the drop choices, default 1
                prints: load sent=N echoed=N loss=PCT rtt_p50_ms=X rtt_p99_ms=Y pps=Z connected=C
                        [channel=MODE refused=N resent=N] [dropped_out=N dropped_in=N]
                exit 0 if every client connected and echoes came back (on a reliable channel: every message, and
                in order on reliable-ordered), 1 otherwise"""
                .formatted(ServerConfig.MAX_CLIENTS_LIMIT, HEADER_BYTES, NetcodeProtocol.MAX_PAYLOAD_BYTES,
                        Args.keyUsage("the server's private key", 20), EchoChannels.names(), DEFAULT_PAYLOAD_BYTES);
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, ONCE, Set.of());
        NetcodeAddress server = args.address("server");
        if (server.port() == 0 || server.toInetAddress().isAnyLocalAddress()) {
            throw new UsageException("--server must be a concrete address with a port, got " + server);
        }
        byte[] key = args.privateKey(environment);
        long protocolId = args.protocolId("protocol");
        int clients = args.intIn("clients", 1, ServerConfig.MAX_CLIENTS_LIMIT);
        int rate = args.intIn("rate", 1, 1000);
        int seconds = args.intIn("seconds", 1, 86_400);
        int payloadBytes = args.intIn("payload-bytes", HEADER_BYTES, NetcodeProtocol.MAX_PAYLOAD_BYTES,
                DEFAULT_PAYLOAD_BYTES);
        if ((long) rate * seconds > Integer.MAX_VALUE / 2) {
            throw new UsageException("--rate times --seconds is too large");
        }
        String channelText = args.optional("channel");
        DeliveryMode mode = channelText == null ? null : EchoChannels.parse("channel", channelText);
        int dropPercent = args.intIn("drop-percent", 0, 100, 0);
        if (args.has("drop-seed") && dropPercent == 0) {
            throw new UsageException("--drop-seed needs --drop-percent");
        }
        int dropSeed = args.intIn("drop-seed", Integer.MIN_VALUE, Integer.MAX_VALUE, 1);
        try (Driver driver = new Driver(server, clients, rate, seconds, payloadBytes, mode, dropPercent, dropSeed);
                ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, protocolId)) {
            return driver.run(tokens, out, err);
        }
        catch (IOException ex) {
            err.println("netcode-cli load: " + ex);
            return NetcodeCli.EXIT_FAILURE;
        }
    }

    /** Percentile {@code p} (0..1) of sorted values, nearest rank. */
    static long percentile(long[] sorted, int count, double p) {
        int rank = (int) Math.ceil(p * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)];
    }

    /** The single-threaded event loop and everything it owns. */
    private static final class Driver implements AutoCloseable {

        private final NetcodeAddress server;
        private final int rate;
        private final int seconds;
        private final int payloadBytes;
        private final long sendIntervalNanos;
        private final Selector selector;
        private final Member[] members;
        private final long baseNanos = System.nanoTime();
        /** Shared by every transport: only this thread touches them. */
        private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(1501);
        private final byte[] receiveBytes = new byte[1501];
        private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(1501);
        private final byte[] payload;
        private final byte[] expected;
        private long[] rtts = new long[1024];
        private int rttCount;
        private long corrupt;
        /** The delivery mode of the channel used, or {@code null} for raw payloads. */
        private final DeliveryMode mode;
        /** Its channel id in {@link EchoChannels#CONFIG}, -1 for raw payloads. */
        private final int channelId;
        private final int dropPercent;
        private final SplittableRandom dropRandom;
        /** Whether datagrams are being dropped now (the sending phase and the drain). */
        private boolean dropping;
        private long droppedOut;
        private long droppedIn;
        private long refused;
        private long duplicates;
        private long outOfOrder;

        Driver(NetcodeAddress server, int clients, int rate, int seconds, int payloadBytes, DeliveryMode mode,
                int dropPercent, int dropSeed) throws IOException {
            this.server = server;
            this.rate = rate;
            this.seconds = seconds;
            this.payloadBytes = payloadBytes;
            this.mode = mode;
            this.channelId = mode == null ? -1 : EchoChannels.channel(mode);
            this.dropPercent = dropPercent;
            this.dropRandom = new SplittableRandom(dropSeed);
            this.sendIntervalNanos = 1_000_000_000L / rate;
            this.payload = new byte[payloadBytes];
            this.expected = new byte[payloadBytes];
            this.selector = Selector.open();
            this.members = new Member[clients];
            NetcodeAddress bind = ClientCommand.bindAddressFor(List.of(server));
            InetSocketAddress target = server.toInetSocketAddress();
            try {
                openClients(bind, target);
            }
            catch (IOException | RuntimeException ex) {
                close();
                throw ex;
            }
        }

        private void openClients(NetcodeAddress bind, InetSocketAddress target) throws IOException {
            for (int i = 0; i < members.length; i++) {
                DatagramChannel channel = DatagramChannel
                        .open(bind.isIpv6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                try {
                    channel.bind(bind.toInetSocketAddress());
                    channel.configureBlocking(false);
                }
                catch (IOException ex) {
                    channel.close();
                    throw ex;
                }
                Member member = new Member(i, channel, target);
                members[i] = member;
                member.key = channel.register(selector, SelectionKey.OP_READ, member);
                member.messages = mode == null ? null : new MessageClient(EchoChannels.CONFIG, member);
                member.client = new ClientStateMachine(member, mode == null ? member : member.messages, now());
            }
        }

        private double now() {
            return (System.nanoTime() - baseNanos) / 1e9;
        }

        int run(ConnectTokenGenerator tokens, PrintStream out, PrintStream err) throws IOException {
            for (Member member : members) {
                ConnectToken token = tokens.generate(member.index + 1L, List.of(server), TOKEN_EXPIRE_SECONDS,
                        TOKEN_TIMEOUT_SECONDS, null);
                member.client.connect(token);
            }

            // Connect phase.
            long connectStart = System.nanoTime();
            long connectDeadline = connectStart + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS);
            while (System.nanoTime() < connectDeadline && countActiveNotConnected() > 0) {
                pump(Math.min(connectDeadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FULL_UPDATE_MILLIS)),
                        false, 0);
            }
            int connected = countConnected();
            err.printf(Locale.ROOT, "netcode-cli load: %d/%d clients connected in %d ms%n", connected, members.length,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart));
            if (connected < members.length) {
                reportFailedStates(err);
            }

            // Sending phase, then the drain.
            long sendStart = System.nanoTime();
            for (Member member : members) {
                member.nextSendNanos = sendStart + sendIntervalNanos * member.index / members.length;
                member.toSend = member.client.state() == ClientState.CONNECTED ? rate * seconds : 0;
            }
            long sendEnd = sendStart + TimeUnit.SECONDS.toNanos(seconds);
            dropping = dropPercent > 0;
            pump(sendEnd, true, sendEnd);
            sendDue(sendEnd, sendEnd); // whatever fell due just before the end while the loop was busy
            boolean reliable = mode != null && mode.isReliable();
            long drainEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(reliable ? RELIABLE_DRAIN_MILLIS : DRAIN_MILLIS);
            while (System.nanoTime() < drainEnd && totalEchoed() < totalSent()) {
                pump(Math.min(drainEnd, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FULL_UPDATE_MILLIS)), false,
                        0);
            }
            dropping = false;
            long stillConnected = Arrays.stream(members).filter(m -> m.client.state() == ClientState.CONNECTED).count();
            long resent = totalResent();
            for (Member member : members) {
                member.client.disconnect();
            }

            long sent = totalSent();
            long echoed = totalEchoed();
            double loss = sent == 0 ? 0.0 : 100.0 * (sent - echoed) / sent;
            long[] sorted = Arrays.copyOf(rtts, rttCount);
            Arrays.sort(sorted);
            String p50 = rttCount == 0 ? "nan" : millis(percentile(sorted, rttCount, 0.50));
            String p99 = rttCount == 0 ? "nan" : millis(percentile(sorted, rttCount, 0.99));
            double pps = echoed / (double) seconds;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "load sent=%d echoed=%d loss=%.2f rtt_p50_ms=%s rtt_p99_ms=%s pps=%.1f connected=%d", sent, echoed,
                    loss, p50, p99, pps, connected));
            if (mode != null) {
                line.append(" channel=").append(EchoChannels.name(mode)).append(" refused=").append(refused)
                        .append(" resent=").append(resent);
            }
            if (dropPercent > 0) {
                line.append(" dropped_out=").append(droppedOut).append(" dropped_in=").append(droppedIn);
            }
            Printer.line(out, line.toString());
            if (corrupt > 0) {
                err.println("netcode-cli load: " + corrupt + " echoes did not match a payload sent");
            }
            if (stillConnected < connected) {
                err.println("netcode-cli load: " + (connected - stillConnected) + " clients lost their connection");
            }
            boolean ok = connected == members.length && stillConnected == connected && echoed > 0 && corrupt == 0;
            if (reliable) {
                if (echoed < sent) {
                    err.println("netcode-cli load: " + (sent - echoed) + " reliable messages never came back");
                }
                if (duplicates > 0) {
                    err.println("netcode-cli load: " + duplicates + " reliable messages came back more than once");
                }
                if (outOfOrder > 0) {
                    err.println("netcode-cli load: " + outOfOrder + " reliable-ordered messages came back out of order");
                }
                ok &= echoed == sent && duplicates == 0 && outOfOrder == 0;
            }
            return ok ? NetcodeCli.EXIT_OK : NetcodeCli.EXIT_FAILURE;
        }

        private static String millis(long nanos) {
            return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
        }

        /**
         * Runs the loop until {@code until} (System.nanoTime). With {@code sending}, sends the
         * payloads due before {@code sendEnd}.
         */
        private void pump(long until, boolean sending, long sendEnd) throws IOException {
            long nextFullUpdate = System.nanoTime();
            long nextScan = nextFullUpdate;
            // Message connections have timers of their own (deferred flushes, acks, re-sends): scanned each millisecond too.
            boolean scanning = sending || mode != null;
            while (true) {
                long nowNanos = System.nanoTime();
                if (nowNanos >= until) {
                    return;
                }
                long nextTimer = Math.min(until, nextFullUpdate);
                if (scanning) {
                    nextTimer = Math.min(nextTimer, nextScan);
                }
                // Rounded up: waking a little late is fine, spinning until the timer is due is not.
                long waitNanos = nextTimer - nowNanos;
                long waitMillis = (waitNanos + 999_999) / 1_000_000;
                int ready = waitNanos > 0 ? selector.select(waitMillis) : selector.selectNow();
                if (ready > 0) {
                    double t = now();
                    for (SelectionKey key : selector.selectedKeys()) {
                        Member member = (Member) key.attachment();
                        member.readable = true;
                        member.client.update(t);
                    }
                    selector.selectedKeys().clear();
                }
                nowNanos = System.nanoTime();
                if (nowNanos >= nextFullUpdate) {
                    double t = now();
                    for (Member member : members) {
                        member.client.update(t);
                    }
                    nextFullUpdate = nowNanos + TimeUnit.MILLISECONDS.toNanos(FULL_UPDATE_MILLIS);
                }
                if (scanning && nowNanos >= nextScan) {
                    if (sending) {
                        sendDue(nowNanos, sendEnd);
                    }
                    if (mode != null) {
                        updateDueConnections();
                    }
                    nextScan = nowNanos + 1_000_000L;
                }
            }
        }

        /** Updates the clients whose message connection has a flush or re-send due. */
        private void updateDueConnections() {
            double t = now();
            for (Member member : members) {
                MessageConnection connection = member.messages.connection();
                if (connection != null && connection.nextUpdateTime() <= t) {
                    member.client.update(t);
                }
            }
        }

        private void sendDue(long nowNanos, long sendEnd) {
            for (Member member : members) {
                boolean queued = false;
                while (member.sent < member.toSend && member.nextSendNanos <= nowNanos && member.nextSendNanos < sendEnd) {
                    if (member.client.state() != ClientState.CONNECTED) {
                        member.toSend = member.sent;
                        break;
                    }
                    member.nextSendNanos += sendIntervalNanos;
                    fill(payload, member.index, member.sent);
                    Bytes.writeU64(payload, 8, System.nanoTime());
                    if (member.messages == null) {
                        member.client.sendPayload(payload, 0, payloadBytes);
                    }
                    else {
                        try {
                            member.messages.send(channelId, payload, 0, payloadBytes);
                        }
                        catch (MessageLimitException ex) {
                            // The channel is full: this one is not sent (and the next takes its sequence).
                            refused++;
                            continue;
                        }
                        queued = true;
                    }
                    member.sent++;
                }
                if (queued) {
                    // Flushes at once (when the flush interval allows), so a message does not wait for the next full update.
                    member.client.update(now());
                }
            }
        }

        /** The payload without its timestamp: client index, sequence, then bytes derived from both. */
        private static void fill(byte[] buf, int index, int seq) {
            Bytes.writeU32(buf, 0, index);
            Bytes.writeU32(buf, 4, seq);
            for (int i = HEADER_BYTES; i < buf.length; i++) {
                buf[i] = (byte) (seq + index * 13 + i);
            }
        }

        void onEcho(Member member, byte[] buf, int offset, int length) {
            long received = System.nanoTime();
            if (length != payloadBytes || Bytes.readU32(buf, offset) != member.index) {
                corrupt++;
                return;
            }
            int seq = Bytes.readU32(buf, offset + 4);
            if (seq < 0 || seq >= member.sent) {
                corrupt++;
                return;
            }
            fill(expected, member.index, seq);
            if (!Arrays.equals(buf, offset + HEADER_BYTES, offset + length, expected, HEADER_BYTES, payloadBytes)) {
                corrupt++;
                return;
            }
            if (member.echoed.get(seq)) {
                duplicates++;
                return;
            }
            // Behind one already delivered: out of order. (A gap ahead is a message missing, counted as not back;
            // the echo server drops an echo its channel refuses.)
            if (mode == DeliveryMode.RELIABLE_ORDERED && seq < member.nextInOrder) {
                outOfOrder++;
            }
            member.nextInOrder = Math.max(member.nextInOrder, seq + 1);
            member.echoed.set(seq);
            member.echoedCount++;
            if (rttCount == rtts.length) {
                rtts = Arrays.copyOf(rtts, rtts.length * 2);
            }
            rtts[rttCount++] = received - Bytes.readU64(buf, offset + 8);
        }

        private int countConnected() {
            return (int) Arrays.stream(members).filter(m -> m.client.state() == ClientState.CONNECTED).count();
        }

        private int countActiveNotConnected() {
            return (int) Arrays.stream(members)
                    .filter(m -> m.client.state().isActive() && m.client.state() != ClientState.CONNECTED)
                    .count();
        }

        private void reportFailedStates(PrintStream err) {
            Map<ClientState, Long> states = new TreeMap<>();
            for (Member member : members) {
                states.merge(member.client.state(), 1L, Long::sum);
            }
            err.println("netcode-cli load: client states " + states.entrySet().stream()
                    .map(e -> ClientCommand.name(e.getKey()) + "=" + e.getValue())
                    .reduce((a, b) -> a + " " + b).orElse(""));
        }

        private long totalSent() {
            return Arrays.stream(members).mapToLong(m -> m.sent).sum();
        }

        private long totalEchoed() {
            return Arrays.stream(members).mapToLong(m -> m.echoedCount).sum();
        }

        /** Messages and block fragments the clients re-sent so far (connected clients only). */
        private long totalResent() {
            long resent = 0;
            for (Member member : members) {
                MessageConnection connection = member.messages == null ? null : member.messages.connection();
                if (connection != null) {
                    resent += connection.stats().channels().get(channelId).messagesResent();
                }
            }
            return resent;
        }

        /** Whether to drop the next datagram (a seeded coin with probability dropPercent %). */
        private boolean drop() {
            return dropping && dropRandom.nextInt(100) < dropPercent;
        }

        /** Disconnects (if still connected) and closes every client, then the selector. */
        @Override
        public void close() {
            for (Member member : members) {
                if (member != null) {
                    if (member.client != null) {
                        member.client.close();
                    }
                    else {
                        member.close();
                    }
                }
            }
            try {
                selector.close();
            }
            catch (IOException ex) {
                // Nothing left to do.
            }
        }

        /**
         * One client: its netcode state machine, its socket (as the state machine's transport), its
         * send schedule and its echo bookkeeping.
         */
        private final class Member implements Transport, ClientMessageHandler {

            final int index;
            final DatagramChannel channel;
            final InetSocketAddress serverSocketAddress;
            final NetcodeAddress localAddress;
            SelectionKey key;
            ClientStateMachine client;
            /** The message layer with --channel, else {@code null}. */
            MessageClient messages;
            /** One past the highest sequence echoed so far: an echo below it on the ordered channel is out of order. */
            int nextInOrder;
            /** Set when the selector reports the socket readable; cleared once a receive drains it. */
            boolean readable;
            SocketAddress lastSource;
            NetcodeAddress lastSourceAddress;
            long nextSendNanos;
            int toSend;
            int sent;
            int echoedCount;
            final BitSet echoed = new BitSet();
            boolean closed;

            Member(int index, DatagramChannel channel, InetSocketAddress serverSocketAddress) throws IOException {
                this.index = index;
                this.channel = channel;
                this.serverSocketAddress = serverSocketAddress;
                this.localAddress = NetcodeAddress.of((InetSocketAddress) channel.getLocalAddress());
            }

            // ---- ClientEventHandler

            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                onEcho(this, buf, offset, length);
            }

            @Override
            public void onMessage(int messageChannel, byte[] buf, int offset, int length) {
                if (messageChannel != channelId) {
                    corrupt++;
                    return;
                }
                onEcho(this, buf, offset, length);
            }

            // ---- Transport

            @Override
            public NetcodeAddress localAddress() {
                return localAddress;
            }

            @Override
            public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
                if (closed) {
                    return;
                }
                if (drop()) {
                    droppedOut++;
                    return;
                }
                ByteBuffer data = sendBuffer.clear();
                data.put(buf, offset, length).flip();
                try {
                    channel.send(data, to.equals(server) ? serverSocketAddress : to.toInetSocketAddress());
                }
                catch (IOException ex) {
                    // Lost, as UDP may lose it; the loss shows in the results.
                }
            }

            @Override
            public int receive(DatagramHandler handler, int max) {
                int count = 0;
                int errors = 0;
                while (readable && count < max && !closed) {
                    SocketAddress source;
                    try {
                        source = channel.receive(receiveBuffer.clear());
                    }
                    catch (ClosedChannelException ex) {
                        return count;
                    }
                    catch (IOException ex) {
                        // An ICMP error from an earlier send (server gone, say): not a datagram.
                        if (++errors >= 16) {
                            return count;
                        }
                        continue;
                    }
                    if (source == null) {
                        readable = false;
                        break;
                    }
                    count++;
                    if (drop()) {
                        droppedIn++;
                        continue;
                    }
                    int length = receiveBuffer.flip().remaining();
                    receiveBuffer.get(receiveBytes, 0, length);
                    handler.onDatagram(addressOf(source), receiveBytes, 0, length);
                }
                return count;
            }

            private NetcodeAddress addressOf(SocketAddress source) {
                if (!source.equals(lastSource)) {
                    lastSource = source;
                    lastSourceAddress = NetcodeAddress.of((InetSocketAddress) source);
                }
                return lastSourceAddress;
            }

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                if (key != null) {
                    key.cancel();
                }
                try {
                    channel.close();
                }
                catch (IOException ex) {
                    // Nothing left to do.
                }
            }
        }
    }
}
