package dev.netcode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.NetcodeClient;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.InvalidConnectTokenException;
import dev.netcode.transport.UdpTransport;

/**
 * {@code client}: connects with a connect token, sends numbered payloads, and checks that each one
 * comes back byte for byte, as an echo server sends them.
 *
 * <p>The client runs in a {@link NetcodeClient} (own thread, real time). Payload {@code i} holds
 * {@code i} as a little-endian u32 followed by bytes derived from {@code i}, so all payloads differ
 * and an echo is checked against the payload regenerated from its number. One payload goes out
 * every {@value #SEND_INTERVAL_MILLIS} ms. Output, flushed line by line:
 * <pre>
 * state disconnected -> sending_connection_request
 * state sending_connection_request -> sending_connection_response
 * state sending_connection_response -> connected
 * state connected -> disconnected
 * summary state=connected sent=10 echoed=10
 * </pre>
 * The summary's state is the one before the client's own clean disconnect at the end, so a lost
 * connection shows as, say, {@code connection_timed_out}. Exit 0 only if the client connected,
 * every payload came back within {@code --seconds} of the start, and it was still connected after
 * {@code --hold}; otherwise 1. With {@code --reliable} the payloads are {@link ReliableClientSession
 * reliable packets} instead, and an {@code rsummary} line takes the summary's place.
 */
final class ClientCommand implements Command {

    static final int SEND_INTERVAL_MILLIS = 10;
    static final int MIN_PAYLOAD_BYTES = 4;

    /** {@code --payload-bytes} when not given: a small game update. */
    static final int DEFAULT_PAYLOAD_BYTES = 100;

    /** The largest reliable packet: the C library's default max_packet_size. */
    static final int MAX_RELIABLE_BYTES = 16 * 1024;

    private static final Set<String> ONCE = Set.of("token", "payloads", "payload-bytes", "seconds", "hold", "packets",
            "max-bytes");
    private static final Set<String> SWITCHES = Set.of("reliable");

    @Override
    public String name() {
        return "client";
    }

    @Override
    public String summary() {
        return "connect with a token, send payloads and check their echoes";
    }

    @Override
    public String usage() {
        return """
                usage: netcode-cli client --token FILE --payloads N [--payload-bytes B] --seconds T [--hold S]
                       netcode-cli client --token FILE --reliable --packets N --max-bytes M --seconds T [--hold S]
                  --token FILE        a 2048-byte connect token (see 'token')
                  --payloads N        payloads to send, one every %d ms, each echoed back by the server
                  --payload-bytes B   size of each payload, %d..%d (default %5$d)
                  --reliable          send 'reliable' packets (C library reliable 1.0: acks, fragments above 1024
                                      bytes) to a 'server --reliable', which echoes each one as a new packet
                  --packets N         reliable packets to send, paced by what is in flight
                  --max-bytes M       reliable packet sizes cycle 1, 2, ... M, 1..%d
                  --seconds T         deadline for connecting and getting every echo (and ack) back
                  --hold S            stay connected S more seconds afterwards, then disconnect (default 0)
                prints: state A -> B (every state change) | summary state=S sent=N echoed=M
                        | with --reliable: rsummary sent=N echoed=E acked=A rtt_ms=R loss_pct=L sent_kbps=K
                          received_kbps=K acked_kbps=K corrupt=C state=S
                exit 0 if connected and every payload (packet) was echoed intact (and acked) in time, 1 otherwise;
                a client that never connected says on stderr what the likely causes are"""
                .formatted(SEND_INTERVAL_MILLIS, MIN_PAYLOAD_BYTES, NetcodeProtocol.MAX_PAYLOAD_BYTES,
                        MAX_RELIABLE_BYTES, DEFAULT_PAYLOAD_BYTES);
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, ONCE, Set.of(), SWITCHES);
        Path tokenFile = Path.of(args.required("token"));
        boolean reliableMode = args.has("reliable");
        for (String flag : reliableMode ? List.of("payloads", "payload-bytes") : List.of("packets", "max-bytes")) {
            if (args.has(flag)) {
                throw new UsageException("--" + flag + (reliableMode ? " is not used with --reliable (give --packets and --max-bytes)"
                        : " needs --reliable"));
            }
        }
        int payloads = reliableMode ? 0 : args.intIn("payloads", 0, 10_000_000);
        int payloadBytes = reliableMode ? MIN_PAYLOAD_BYTES
                : args.intIn("payload-bytes", MIN_PAYLOAD_BYTES, NetcodeProtocol.MAX_PAYLOAD_BYTES, DEFAULT_PAYLOAD_BYTES);
        ReliableClientSession reliable = reliableMode ? new ReliableClientSession(args.intIn("packets", 0, 10_000_000),
                args.intIn("max-bytes", 1, MAX_RELIABLE_BYTES)) : null;
        int seconds = args.intIn("seconds", 1, Integer.MAX_VALUE);
        int hold = args.intIn("hold", 0, Integer.MAX_VALUE, 0);
        long startNanos = System.nanoTime();
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(seconds);

        byte[] tokenBytes;
        ConnectToken token;
        try {
            tokenBytes = Files.readAllBytes(tokenFile);
            token = ConnectToken.read(tokenBytes);
        }
        catch (IOException ex) {
            err.println("netcode-cli client: cannot read " + tokenFile + ": " + ex);
            return NetcodeCli.EXIT_FAILURE;
        }
        catch (InvalidConnectTokenException ex) {
            err.println("netcode-cli client: " + tokenFile + " is not a valid connect token: " + ex.getMessage());
            String state = name(ClientState.INVALID_CONNECT_TOKEN);
            Printer.line(out, reliable != null ? reliable.summary(state) : "summary state=" + state + " sent=0 echoed=0");
            return NetcodeCli.EXIT_FAILURE;
        }

        Session session = new Session(out, payloads, payloadBytes, reliable);
        UdpTransport transport;
        try {
            transport = UdpTransport.bind(bindAddressFor(token.serverAddresses()));
        }
        catch (UncheckedIOException ex) {
            err.println("netcode-cli client: " + ex.getMessage());
            return NetcodeCli.EXIT_FAILURE;
        }
        NetcodeClient runtime = NetcodeClient.start(new ClientStateMachine(transport, session, 0.0));
        if (reliable != null) {
            reliable.attach(runtime);
        }
        Thread hook = new Thread(runtime::close, "netcode-cli-client-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ClientState finalState;
        String reliableSummary = null;
        try {
            runtime.connect(tokenBytes);
            // connect() runs on the client's thread: first see it leave the initial 'disconnected'.
            runtime.awaitState(s -> s != ClientState.DISCONNECTED, remainingMillis(deadline));
            ClientState state = runtime.awaitState(s -> s == ClientState.CONNECTED || !s.isActive(),
                    remainingMillis(deadline));
            if (state == ClientState.CONNECTED) {
                if (reliable != null) {
                    reliable.run(deadline);
                }
                else {
                    sendAndAwaitEchoes(runtime, session, deadline);
                }
                if ((reliable != null ? reliable.allEchoedAndAcked() : session.allEchoed()) && hold > 0) {
                    runtime.awaitState(s -> s != ClientState.CONNECTED, TimeUnit.SECONDS.toMillis(hold));
                }
            }
            finalState = runtime.state();
            reliableSummary = reliable == null ? null : reliable.summary(name(finalState));
            runtime.disconnect();
            runtime.awaitState(s -> !s.isActive(), 1_000);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            finalState = runtime.state();
            reliableSummary = reliable == null ? null : reliable.summary(name(finalState));
        }
        finally {
            runtime.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (IllegalStateException ex) {
                // Shutting down already; the hook closes the client.
            }
        }
        if (!session.everConnected) {
            String hint = whyNotConnected(finalState, token);
            if (hint != null) {
                err.println("netcode-cli client: " + hint);
            }
        }
        if (reliable != null) {
            Printer.line(out, reliableSummary);
            if (reliable.corrupt() > 0) {
                err.println("netcode-cli client: " + reliable.corrupt() + " echoed packets did not match what was sent");
            }
            return session.everConnected && finalState == ClientState.CONNECTED && reliable.allEchoedAndAcked()
                    ? NetcodeCli.EXIT_OK : NetcodeCli.EXIT_FAILURE;
        }
        int sent = session.sent;
        int echoed = session.echoedCount();
        Printer.line(out, "summary state=" + name(finalState) + " sent=" + sent + " echoed=" + echoed);
        if (session.corrupt > 0) {
            err.println("netcode-cli client: " + session.corrupt + " echoed payloads did not match what was sent");
        }
        boolean ok = session.everConnected && finalState == ClientState.CONNECTED && sent == payloads
                && echoed == payloads && session.corrupt == 0;
        return ok ? NetcodeCli.EXIT_OK : NetcodeCli.EXIT_FAILURE;
    }

    /** Sends the payloads on schedule, then waits for the missing echoes, all before {@code deadline}. */
    private static void sendAndAwaitEchoes(NetcodeClient runtime, Session session, long deadline)
            throws InterruptedException {
        byte[] payload = new byte[session.payloadBytes];
        long first = System.nanoTime();
        for (int i = 0; i < session.payloads; i++) {
            long due = first + TimeUnit.MILLISECONDS.toNanos((long) i * SEND_INTERVAL_MILLIS);
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            if (System.nanoTime() >= deadline || runtime.state() != ClientState.CONNECTED) {
                return;
            }
            fill(payload, i);
            runtime.sendPayload(payload, 0, payload.length);
            session.sent++;
        }
        session.awaitAllEchoed(deadline, runtime);
    }

    /** Payload {@code seq}: the number as a little-endian u32, then bytes derived from it. */
    static void fill(byte[] payload, int seq) {
        Bytes.writeU32(payload, 0, seq);
        for (int i = 4; i < payload.length; i++) {
            payload[i] = (byte) (seq * 31 + i * 7);
        }
    }

    /**
     * Binds where the token's servers are reachable from: the loopback address when they are all
     * loopback of one family, otherwise the wildcard ({@code [::]}, which is dual-stack, if any
     * server is IPv6).
     */
    static NetcodeAddress bindAddressFor(List<NetcodeAddress> servers) {
        boolean anyV6 = servers.stream().anyMatch(NetcodeAddress::isIpv6);
        boolean allV6 = servers.stream().allMatch(NetcodeAddress::isIpv6);
        boolean allLoopback = servers.stream().allMatch(a -> a.toInetAddress().isLoopbackAddress());
        if (allLoopback && allV6) {
            return NetcodeAddress.parse("[::1]:0");
        }
        if (allLoopback && !anyV6) {
            return NetcodeAddress.parse("127.0.0.1:0");
        }
        return NetcodeAddress.parse(anyV6 ? "[::]:0" : "0.0.0.0:0");
    }

    /**
     * What most likely kept a client from connecting, judged by the state it ended in, or
     * {@code null} for a state that says it all. A server answers nothing to a request it drops, so
     * a request that goes unanswered has several causes; the server's {@code drops} lines tell
     * which.
     */
    static String whyNotConnected(ClientState state, ConnectToken token) {
        String servers = String.join(", ", token.serverAddresses().stream().map(NetcodeAddress::toString).toList());
        return switch (state) {
            case SENDING_CONNECTION_REQUEST, CONNECTION_REQUEST_TIMED_OUT -> "no server answered the connection request ("
                    + name(state) + "); likely causes: no server running at " + servers + " or a firewall in the way;"
                    + " the token minted with another key or protocol id than the server's; the token already used"
                    + " (each connects once), or its client id already connected; the token expired."
                    + " The server's 'drops' lines name the reason";
            case SENDING_CONNECTION_RESPONSE, CONNECTION_RESPONSE_TIMED_OUT -> "the server at " + servers
                    + " answered but the handshake did not finish (" + name(state) + "): packets lost, or the server"
                    + " stopped";
            case CONNECTION_DENIED -> "the server is full (connection_denied): every client slot is taken";
            case CONNECT_TOKEN_EXPIRED -> "the token expired before the client connected: mint a fresh one";
            default -> null;
        };
    }

    static String name(ClientState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Prints state changes and checks echoes; the callbacks run on the client's thread. */
    private static final class Session implements ClientEventHandler {

        private final PrintStream out;
        /** With --reliable, every payload is a reliable datagram for it. */
        private final ReliableClientSession reliable;
        private final int payloads;
        private final int payloadBytes;
        private final byte[] expected;
        private final BitSet echoed = new BitSet();
        private volatile boolean everConnected;
        /** Written by the sending thread only. */
        private volatile int sent;
        /** Guarded by {@code this}. */
        private int echoedCount;
        private volatile int corrupt;

        Session(PrintStream out, int payloads, int payloadBytes, ReliableClientSession reliable) {
            this.out = out;
            this.reliable = reliable;
            this.payloads = payloads;
            this.payloadBytes = payloadBytes;
            this.expected = new byte[payloadBytes];
        }

        @Override
        public void onStateChanged(ClientState previous, ClientState current) {
            if (current == ClientState.CONNECTED) {
                everConnected = true;
            }
            Printer.line(out, "state " + name(previous) + " -> " + name(current));
        }

        @Override
        public void onPayload(byte[] buf, int offset, int length, long sequence) {
            if (reliable != null) {
                reliable.onPayload(buf, offset, length);
                return;
            }
            if (length != payloadBytes) {
                corrupt++;
                return;
            }
            int seq = Bytes.readU32(buf, offset);
            if (seq < 0 || seq >= payloads) {
                corrupt++;
                return;
            }
            fill(expected, seq);
            if (!Arrays.equals(buf, offset, offset + length, expected, 0, payloadBytes)) {
                corrupt++;
                return;
            }
            synchronized (this) {
                if (!echoed.get(seq)) {
                    echoed.set(seq);
                    echoedCount++;
                    notifyAll();
                }
            }
        }

        synchronized int echoedCount() {
            return echoedCount;
        }

        synchronized boolean allEchoed() {
            return echoedCount == payloads;
        }

        /** Waits until every payload sent has come back, the deadline passes, or the connection ends. */
        synchronized void awaitAllEchoed(long deadline, NetcodeClient runtime) throws InterruptedException {
            while (echoedCount < sent && runtime.state() == ClientState.CONNECTED) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    return;
                }
                wait(Math.min(remaining, 50));
            }
        }
    }
}
