package dev.netcode.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.PacketCodec;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.NioTransportProvider;
import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.TestTransports;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportProvider;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link NetcodeServer} and {@link NetcodeClient}: real time, real UDP on 127.0.0.1. */
class NetcodeServerTest {

    private static final long PROTOCOL_ID = 0x4E43_5445_5354L;
    private static final NetcodeAddress LOCALHOST_ANY_PORT = NetcodeAddress.parse("127.0.0.1:0");

    private final byte[] key = SecureRandomBytes.key();

    @Test
    void clientConnectsEchoesShowsInTheSnapshotAndIsDisconnectedWhenTheServerStops() throws Exception {
        List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
        NetcodeServer[] server = new NetcodeServer[1];
        ServerConfig config = TestShards.config(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                slot.send(buf, offset, length);
            }

            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                reasons.add(reason);
            }
        }).build();
        server[0] = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 8);
        NetcodeAddress serverAddress = server[0].localAddress();
        assertThat(serverAddress.port()).isNotZero();

        CountDownLatch echoes = new CountDownLatch(20);
        List<Byte> firstBytes = new CopyOnWriteArrayList<>();
        ClientEventHandler collect = new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                firstBytes.add(buf[offset]);
                echoes.countDown();
            }
        };
        try (NetcodeClient client = NetcodeClient.start(LOCALHOST_ANY_PORT, collect)) {
            client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID).generate(7, List.of(serverAddress), 60, 5, null)
                    .toBytes());
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);
            assertThat(server[0].connectedClientCount()).isEqualTo(1);

            for (int i = 0; i < 20; i++) {
                client.sendPayload(new byte[] { (byte) i, 1, 2, 3 }, 0, 4);
            }
            assertThat(echoes.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(firstBytes).hasSize(20);

            ServerSnapshot snapshot = server[0].snapshot();
            assertThat(snapshot.boundAddress()).isEqualTo(serverAddress);
            assertThat(snapshot.maxClients()).isEqualTo(8);
            assertThat(snapshot.clients()).singleElement().satisfies(c -> {
                assertThat(c.clientId()).isEqualTo(7);
                assertThat(c.index()).isZero();
                assertThat(c.address()).isEqualTo(client.client().localAddress());
                assertThat(c.packetsReceived()).isGreaterThanOrEqualTo(20);
                assertThat(c.packetsSent()).isGreaterThanOrEqualTo(20);
            });

            server[0].stop();
            assertThat(client.awaitState(s -> s != ClientState.CONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
            assertThat(reasons).containsExactly(DisconnectReason.SERVER_DISCONNECT);
            assertThat(server[0].isRunning()).isFalse();
            assertThat(server[0].connectedClientCount()).isZero();
            assertThatThrownBy(server[0]::snapshot).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not running");
        }
        finally {
            server[0].stop();
        }
    }

    /**
     * Between datagrams the server's thread sleeps until the next keep-alive or timeout is due, and
     * must wake for both: an idle session outlives its 1 s timeout on keep-alives alone, and a client
     * that falls silent is timed out about 1 s later, with no datagram to wake the server.
     */
    @Test
    void idleSessionLivesOnKeepAlivesAndASilentClientTimesOutOnTime() throws Exception {
        CountDownLatch timedOut = new CountDownLatch(1);
        ServerConfig config = TestShards.config(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                if (reason == DisconnectReason.TIMED_OUT) {
                    timedOut.countDown();
                }
            }
        }).build();
        try (NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 8);
                UdpTransport transport = UdpTransport.bind(LOCALHOST_ANY_PORT);
                ClientStateMachine client = new ClientStateMachine(transport, 0.0)) {
            // This client runs on the test's thread: it talks only while the test updates it.
            client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID)
                    .generate(9, List.of(server.localAddress()), 60, 1, null));
            long start = System.nanoTime();
            double now = 0.0;
            while (now < 2.5 && !client.state().isError()) {
                now = (System.nanoTime() - start) / 1e9;
                client.update(now);
                Thread.sleep(5);
            }
            assertThat(client.state()).as("after 2.5 s idle with a 1 s timeout").isEqualTo(ClientState.CONNECTED);
            assertThat(server.connectedClientCount()).isEqualTo(1);

            long silentSince = System.nanoTime();
            assertThat(timedOut.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentSince)).isBetween(800L, 2_000L);
            // The event comes from inside the update; the count is published when that update ends.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.connectedClientCount() != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(server.connectedClientCount()).isZero();
        }
    }

    /**
     * Runs in netcode-core (where AUTO must pick native if its library loaded), in its nio execution (native switched
     * off) and in netcode-transport-epoll (native switched off, AUTO must pick epoll).
     */
    @Test
    void aServerAndAClientMadeWithABindAddressBindTheTransportTheSelectionPicks() {
        NetcodeServer server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, key).build(), LOCALHOST_ANY_PORT, 4);
        assertThat(server.config().transport()).isEqualTo(TransportSelection.AUTO);
        assertThat(server.transportName()).as("before the first start").isNull();
        try (server; NetcodeClient client = NetcodeClient.start(LOCALHOST_ANY_PORT, new ClientEventHandler() {
        })) {
            server.start();
            assertThat(server.transportName()).isEqualTo(TestTransports.expectedName());
            assertThat(client.transportName()).isEqualTo(TestTransports.expectedName());
        }
        NetcodeServer pinned = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, key).transport(TransportSelection.NIO)
                .build(), LOCALHOST_ANY_PORT, 4);
        try (pinned; NetcodeClient client = NetcodeClient.start(LOCALHOST_ANY_PORT, TransportSelection.NIO,
                new ClientEventHandler() {
                })) {
            pinned.start();
            assertThat(pinned.transportName()).isEqualTo("nio");
            assertThat(pinned.socketBuffers()).isNotNull();
            assertThat(client.transportName()).isEqualTo("nio");
        }
    }

    @Test
    void aServerMadeWithABindAddressBindsTheConfigsOwnProviderWhateverTheSelection() {
        SimulatedNetwork network = new SimulatedNetwork();
        TransportProvider simulated = new TransportProvider() {
            @Override
            public String name() {
                return "simulated";
            }

            @Override
            public Transport bind(NetcodeAddress address, TransportOptions options) {
                return network.endpoint(address);
            }
        };
        // EPOLL is missing from netcode-core's class path: resolving it would fail, so the provider must win.
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).transport(TransportSelection.EPOLL)
                .transportProvider(simulated).build();
        assertThat(config.transportProvider()).isSameAs(simulated);
        assertThat(config.toString()).contains("transport=simulated");
        try (NetcodeServer server = NetcodeServer.start(config, NetcodeAddress.parse("127.0.0.1:0"), 2)) {
            assertThat(server.transportName()).isEqualTo("simulated");
            assertThat(server.socketBuffers()).as("no socket on the simulated network").isNull();
            Transport probe = network.endpoint();
            assertThatThrownBy(() -> network.endpoint(server.localAddress()))
                    .as("the server holds its address on the simulated network")
                    .hasMessageContaining("already in use");
            probe.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2 })
    void everySocketOfTheServerIsBoundWithTheConfigsReceiveCoalescing(int shards) {
        List<TransportOptions> bound = new CopyOnWriteArrayList<>();
        TransportProvider recording = new TransportProvider() {
            @Override
            public String name() {
                return "recording-nio";
            }

            @Override
            public Transport bind(NetcodeAddress address, TransportOptions options) {
                bound.add(options);
                return new NioTransportProvider().bind(address, options);
            }
        };
        Duration window = Duration.ofNanos(123_000);
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).transportProvider(recording).shards(shards)
                .receiveCoalescing(window).warmUp(Duration.ZERO).build();
        try (NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 4)) {
            assertThat(bound).hasSize(shards)
                    .allSatisfy(options -> assertThat(options.receiveCoalescing()).isEqualTo(window));
        }
    }

    /**
     * A client's close sends its disconnect packets and then closes its transport; a batching transport (native,
     * epoll) holds sends until a flush, so unless they are flushed first the server learns of it only by timing the
     * slot out.
     */
    @Test
    void aClientClosingTellsTheServerAtOnce() throws Exception {
        List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
        CountDownLatch disconnected = new CountDownLatch(1);
        ServerConfig config = TestShards.config(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                reasons.add(reason);
                disconnected.countDown();
            }
        }).build();
        try (NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 2)) {
            NetcodeClient client = NetcodeClient.start(LOCALHOST_ANY_PORT, new ClientEventHandler() {
            });
            assertThat(client.transportName()).isEqualTo(TestTransports.expectedName());
            // A token timeout of 30 s: a slot timed out instead would take far longer than the wait below.
            client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID)
                    .generate(8, List.of(server.localAddress()), 60, 30, null).toBytes());
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);
            client.close();
            assertThat(disconnected.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(reasons).containsExactly(DisconnectReason.CLIENT_DISCONNECT);
        }
    }

    @Test
    void aServerSelectingEpollWhereItIsMissingFailsWhenMadeSayingWhatToFix() {
        Assumptions.assumeFalse(TestTransports.epollOnClassPath(), "netcode-core's class path, without netcode-transport-epoll");
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).transport(TransportSelection.EPOLL).build();
        assertThatThrownBy(() -> new NetcodeServer(config, LOCALHOST_ANY_PORT, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport epoll", "dev.netcode:netcode-transport-epoll", "choose transport nio");
        assertThatThrownBy(() -> NetcodeClient.start(LOCALHOST_ANY_PORT, TransportSelection.EPOLL, new ClientEventHandler() {
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("dev.netcode:netcode-transport-epoll");
    }

    @Test
    void serverRestartsOnAFreshSocketAndAServerThatCannotBindFailsToStart() {
        NetcodeServer server = NetcodeServer.start(TestShards.config(PROTOCOL_ID, key).build(), LOCALHOST_ANY_PORT, 4);
        try {
            NetcodeAddress first = server.localAddress();
            // One socket without SO_REUSEPORT: whatever the first server's shards, it cannot share their port.
            NetcodeServer clash = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, key).build(), first, 4);
            assertThatThrownBy(clash::start).isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining(first.toString());
            assertThat(clash.isRunning()).isFalse();

            server.stop();
            assertThat(server.isRunning()).isFalse();
            server.start();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.stateMachine().globalSequence()).isEqualTo(1L << 63);
        }
        finally {
            server.stop();
        }
    }

    /**
     * The restart rule works in whole seconds: a stop and start within one second used to let a token
     * the previous run had seen open a session again, with every sequence (and so nonce) starting over.
     */
    @Test
    void aRestartWithinTheSameSecondRefusesATokenTheLastRunSaw() throws Exception {
        long unixNow = System.currentTimeMillis() / 1000;
        NetcodeAddress publicAddress = NetcodeAddress.parse("127.0.0.1:40000");
        ServerConfig config = TestShards.config(PROTOCOL_ID, key).serverAddress(publicAddress)
                .unixClock(() -> unixNow).build();
        var token = new ConnectTokenGenerator(key, PROTOCOL_ID, () -> unixNow)
                .generate(17, List.of(publicAddress), 30, 5, null);
        NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 4);
        try (UdpTransport attacker = UdpTransport.bind(LOCALHOST_ANY_PORT);
                PacketCodec codec = new PacketCodec(PROTOCOL_ID)) {
            byte[] request = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
            int length = codec.writeConnectionRequest(request, token);
            ServerStatistics statistics = server.statistics();
            // UDP may lose a request: send until the server has answered one with a challenge.
            assertThat(sendUntil(attacker, server, request, length, () -> statistics.packetsSent() > 0)).isTrue();

            server.stop();
            server.start();
            long sentBefore = statistics.packetsSent();
            assertThat(sendUntil(attacker, server, request, length,
                    () -> statistics.drops().get(DropReason.TOKEN_ALREADY_USED) > 0)).isTrue();
            assertThat(statistics.packetsSent()).as("no challenge after the restart").isEqualTo(sentBefore);
            assertThat(server.stateMachine().minConnectTokenExpireTimestamp()).as("the rule alone lets it through")
                    .isEqualTo(token.expireTimestamp());
        }
        finally {
            server.stop();
        }
    }

    private static boolean sendUntil(UdpTransport from, NetcodeServer server, byte[] datagram, int length,
            BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            from.send(server.localAddress(), datagram, 0, length);
            from.awaitDatagram(20);
            from.receive((sender, buf, offset, received) -> { }, 64);
        }
        return condition.getAsBoolean();
    }

    /** An {@code Error} from an event handler used to end the server's thread for good. */
    @Test
    void anErrorThrownByAnEventHandlerLeavesTheServerRunning() throws Exception {
        CountDownLatch echoed = new CountDownLatch(1);
        ServerConfig config = TestShards.config(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            private boolean thrown;

            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                if (!thrown) {
                    thrown = true;
                    throw new StackOverflowError("a game's runaway recursion");
                }
                slot.send(buf, offset, length);
            }
        }).build();
        try (NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 4);
                NetcodeClient client = NetcodeClient.start(LOCALHOST_ANY_PORT, new ClientEventHandler() {
                    @Override
                    public void onPayload(byte[] buf, int offset, int length, long sequence) {
                        echoed.countDown();
                    }
                })) {
            client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID).generate(8, List.of(server.localAddress()), 60, 5,
                    null).toBytes());
            assertThat(client.awaitState(state -> state == ClientState.CONNECTED || state.isError(), 10_000))
                    .isEqualTo(ClientState.CONNECTED);
            // Payloads may be lost: keep sending until one is echoed (the first one only ever throws).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!echoed.await(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                client.sendPayload(new byte[] { 1 }, 0, 1);
            }
            assertThat(echoed.getCount()).isZero();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.statistics().handlerErrors()).isOne();
        }
    }

    /** A query that throws an {@code Error} completes its future with it, and the server carries on. */
    @Test
    void aQueryThrowingAnErrorFailsItsFutureAndLeavesTheServerRunning() throws Exception {
        try (NetcodeServer server = NetcodeServer.start(TestShards.config(PROTOCOL_ID, key).build(),
                LOCALHOST_ANY_PORT, 4)) {
            CompletableFuture<Integer> failed = server.call(machine -> {
                throw new AssertionError("a caller's assertion");
            });
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AssertionError.class);
            assertThat(server.call(ServerStateMachine::maxClients).get(5, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(server.isRunning()).isTrue();
        }
    }
}
