package dev.netcode.server;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageServer;
import dev.netcode.packet.DropReason;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.TestTransports;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link NetcodeServer} of two shards ({@link ServerConfig.Builder#shards(int)}), on real UDP: clients from
 * distinct source ports are spread over both shards by the kernel, and the server still behaves as one server
 * (one index space, max clients, client ids and token history exact across the shards).
 */
class ShardedServerTest {

    private static final long PROTOCOL_ID = 0x5348_4152_4453L;
    private static final byte ECHO = 1;
    private static final byte FROM_SERVER = 2;
    private static final byte BROADCAST = 3;

    private final byte[] key = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
    private final List<Player> players = new ArrayList<>();
    private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
    private NetcodeServer server;

    @AfterEach
    void stop() {
        players.forEach(Player::close);
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = { "127.0.0.1", "[::1]" })
    void clientsSpreadOverBothShardsAndTheServerActsAsOne(String host) throws Exception {
        server = startServer(host, 16);
        // Native in netcode-core's default run, nio in its nio run, epoll in netcode-transport-epoll's.
        assertThat(server.transportName()).isEqualTo(TestTransports.expectedName());
        for (int i = 0; i < 12; i++) {
            players.add(new Player(host, 100 + i, 5));
        }
        for (Player player : players) {
            assertThat(player.awaitConnected()).as("client %d", player.clientId).isEqualTo(ClientState.CONNECTED);
        }

        List<List<Long>> perShard = clientIdsPerShard();
        assertThat(perShard).hasSize(2).allSatisfy(ids -> assertThat(ids).as("clients on a shard").isNotEmpty());
        assertThat(perShard.get(0)).doesNotContainAnyElementsOf(perShard.get(1));
        assertThat(server.connectedClientCount()).isEqualTo(12);

        // One index space: every client holds a distinct index below max clients, and learnt it (and max clients)
        // from the keep-alives of its shard.
        ServerSnapshot snapshot = server.snapshot();
        assertThat(snapshot.connectedClients()).isEqualTo(12);
        assertThat(snapshot.maxClients()).isEqualTo(16);
        assertThat(snapshot.clients()).extracting(ServerSnapshot.Client::index).doesNotHaveDuplicates()
                .allSatisfy(index -> assertThat(index).isBetween(0, 15)).isSorted();
        for (Player player : players) {
            int index = indexOf(snapshot, player.clientId);
            assertThat(player.indexAndMaxClients()).as("client %d", player.clientId).containsExactly(index, 16);
        }

        // Every client's payloads come back from its own shard, and sends by index reach every shard's clients.
        for (Player player : players) {
            assertThat(player.echoes()).as("client %d echoed", player.clientId).isTrue();
        }
        for (Player player : players) {
            int index = indexOf(snapshot, player.clientId);
            assertThat(until(() -> player.received(FROM_SERVER), () -> server.send(index, new byte[] { FROM_SERVER })))
                    .as("send by index to client %d", player.clientId).isTrue();
        }
        assertThat(until(() -> players.stream().allMatch(p -> p.received(BROADCAST)),
                () -> server.broadcast(new byte[] { BROADCAST }))).as("broadcast").isTrue();
        assertThat(handlerThreads).as("events arrive on each shard's thread").hasSize(2);

        // The totals are the whole server's.
        ServerSnapshot busy = server.snapshot();
        ServerStatistics statistics = server.statistics();
        assertThat(statistics.connectionsAccepted()).isEqualTo(12);
        assertThat(statistics.packetsReceived())
                .isGreaterThanOrEqualTo(busy.clients().stream().mapToLong(ServerSnapshot.Client::packetsReceived).sum());
        assertThat(statistics.packetsSent())
                .isGreaterThanOrEqualTo(busy.clients().stream().mapToLong(ServerSnapshot.Client::packetsSent).sum());
        assertThat(busy.packetsReceived()).isLessThanOrEqualTo(statistics.packetsReceived());

        // Disconnects by index reach the shard holding the client, one on each shard.
        Player onFirst = playerWithId(perShard.get(0).get(0));
        Player onSecond = playerWithId(perShard.get(1).get(0));
        server.disconnect(indexOf(busy, onFirst.clientId));
        assertThat(server.disconnect(indexOf(busy, onSecond.clientId), onSecond.clientId).get(5, TimeUnit.SECONDS))
                .isTrue();
        assertThat(onFirst.client.awaitState(s -> s != ClientState.CONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
        assertThat(onSecond.client.awaitState(s -> s != ClientState.CONNECTED, 5_000))
                .isEqualTo(ClientState.DISCONNECTED);
        assertThat(waitFor(() -> server.connectedClientCount() == 10)).isTrue();

        // Stopping stops every shard, and each tells its clients.
        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.connectedClientCount()).isZero();
        for (Player player : players) {
            if (player != onFirst && player != onSecond) {
                assertThat(player.client.awaitState(s -> s != ClientState.CONNECTED, 5_000))
                        .as("client %d after stop", player.clientId).isEqualTo(ClientState.DISCONNECTED);
            }
        }
    }

    /** Eight clients race for three slots, over both shards: exactly three get in, the others hear "full". */
    @Test
    void maxClientsHoldsAcrossShards() throws Exception {
        server = startServer("127.0.0.1", 3);
        for (int i = 0; i < 8; i++) {
            players.add(new Player("127.0.0.1", 200 + i, 5));
        }
        List<ClientState> outcomes = new ArrayList<>();
        for (Player player : players) {
            outcomes.add(player.client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 10_000));
        }
        assertThat(outcomes).filteredOn(s -> s == ClientState.CONNECTED).hasSize(3);
        assertThat(outcomes).filteredOn(s -> s == ClientState.CONNECTION_DENIED).hasSize(5);
        assertThat(server.connectedClientCount()).isEqualTo(3);
        assertThat(server.snapshot().clients()).extracting(ServerSnapshot.Client::index).containsExactly(0, 1, 2);
        assertThat(server.statistics().connectionsDenied()).isGreaterThanOrEqualTo(5);
        assertThat(server.statistics().connectionsAccepted()).isEqualTo(3);
    }

    /**
     * A token that connected a client on one shard is refused when it comes back from an address of the other
     * shard once that client has left, as one server refuses a consumed token from any address.
     */
    @Test
    void aTokenUsedOnOneShardIsRefusedOnTheOther() throws Exception {
        server = startServer("127.0.0.1", 16);
        Player[] pair = playersOnBothShards();
        Player first = pair[0];
        NetcodeAddress otherShardAddress = leave(pair[1]);
        leave(first);
        long refusedBefore = server.statistics().drops().get(DropReason.TOKEN_ALREADY_USED);
        long acceptedBefore = server.statistics().connectionsAccepted();

        Player replay = new Player(otherShardAddress, first.clientId, first.token);
        players.add(replay);
        assertThat(replay.client.awaitState(s -> s.isError(), 10_000))
                .isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(server.statistics().drops().get(DropReason.TOKEN_ALREADY_USED)).isGreaterThan(refusedBefore);
        assertThat(server.statistics().connectionsAccepted()).isEqualTo(acceptedBefore);
    }

    /** A client id connected on one shard is refused on the other, from a new token and address. */
    @Test
    void aClientIdConnectedOnOneShardIsRefusedOnTheOther() throws Exception {
        server = startServer("127.0.0.1", 16);
        Player[] pair = playersOnBothShards();
        Player connected = pair[0];
        NetcodeAddress otherShardAddress = leave(pair[1]);
        long refusedBefore = server.statistics().drops().get(DropReason.CLIENT_ID_ALREADY_CONNECTED);

        Player sameId = new Player(otherShardAddress, connected.clientId,
                tokens.generate(connected.clientId, List.of(server.localAddress()), 30, 2, null));
        players.add(sameId);
        assertThat(sameId.client.awaitState(s -> s.isError(), 10_000))
                .isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(server.statistics().drops().get(DropReason.CLIENT_ID_ALREADY_CONNECTED)).isGreaterThan(refusedBefore);
        assertThat(connected.client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.connectedClientCount()).isOne();
    }

    @Test
    void badShardSettingsFailWithAMessage() {
        assertThatThrownBy(() -> ServerConfig.builder(PROTOCOL_ID, key).shards(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shards must be 1 (one event loop) to 64, got 0");
        assertThatThrownBy(() -> ServerConfig.builder(PROTOCOL_ID, key).shards(65))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 65");
        ServerConfig sharded = ServerConfig.builder(PROTOCOL_ID, key).shards(2).build();
        assertThatThrownBy(() -> new NetcodeServer(sharded, () -> UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0")),
                4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NetcodeServer(config, bindAddress, maxClients)");

        MessageServer messages = new MessageServer(MessageConfig.of(ChannelConfig.of("chat",
                DeliveryMode.RELIABLE_ORDERED)), (slot, clientId, channel, buf, offset, length) -> {
                });
        assertThatThrownBy(() -> messages.attach(new NetcodeServer(sharded, NetcodeAddress.parse("127.0.0.1:0"), 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set its shards to 1");

        // A port held by a socket without SO_REUSEPORT: the first shard cannot bind it, nothing is left open.
        try (UdpTransport holder = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"))) {
            NetcodeServer clash = new NetcodeServer(sharded, holder.localAddress(), 4);
            assertThatThrownBy(clash::start).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(holder.localAddress().toString());
            assertThat(clash.isRunning()).isFalse();
        }
    }

    /**
     * Linux lets any socket of the same user with SO_REUSEPORT join a port held only by such sockets: a second sharded
     * server started on a running one's port would get part of its clients without a word. It must fail as an
     * unsharded server does, port in use, and leave the first one's port alone.
     */
    @Test
    void aSecondShardedServerOnTheSamePortFailsAsPortInUse() throws Exception {
        server = startServer("127.0.0.1", 4);
        ServerConfig second = ServerConfig.builder(PROTOCOL_ID, key.clone()).shards(2).warmUp(Duration.ZERO).build();
        NetcodeServer clash = new NetcodeServer(second, server.localAddress(), 4);
        assertThatThrownBy(clash::start).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(server.localAddress().toString());
        assertThat(clash.isRunning()).isFalse();

        // Nor may a stray SO_REUSEPORT socket take a port first and share it with the shards.
        try (UdpTransport stray = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"),
                TransportOptions.defaults().withReusePort(true))) {
            NetcodeServer sharing = new NetcodeServer(second, stray.localAddress(), 4);
            assertThatThrownBy(sharing::start).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(stray.localAddress().toString());
            assertThat(sharing.isRunning()).isFalse();
        }

        Player player = new Player("127.0.0.1", 400, 5);
        players.add(player);
        assertThat(player.awaitConnected()).as("the first server still serves its port").isEqualTo(ClientState.CONNECTED);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private NetcodeServer startServer(String host, int maxClients) {
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).shards(2).warmUp(Duration.ZERO)
                .eventHandler(new ServerEventHandler() {
                    @Override
                    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                        handlerThreads.add(Thread.currentThread().getName());
                        slot.send(buf, offset, length);
                    }
                }).build();
        NetcodeAddress bind = NetcodeAddress.parse(host + ":0");
        try {
            return NetcodeServer.start(config, bind, maxClients);
        }
        catch (UncheckedIOException ex) {
            Assumptions.assumeFalse(bind.isIpv6(), "IPv6 unavailable here: " + ex.getMessage());
            throw ex;
        }
    }

    /** Connects clients until there is one on each shard: returns one from the first and one from the second. */
    private Player[] playersOnBothShards() throws Exception {
        for (int i = 0; i < 32; i++) {
            Player player = new Player("127.0.0.1", 300 + i, 5);
            players.add(player);
            assertThat(player.awaitConnected()).isEqualTo(ClientState.CONNECTED);
            List<List<Long>> perShard = clientIdsPerShard();
            if (!perShard.get(0).isEmpty() && !perShard.get(1).isEmpty()) {
                Player[] pair = { playerWithId(perShard.get(0).get(0)), playerWithId(perShard.get(1).get(0)) };
                for (Player other : List.copyOf(players)) {
                    if (other != pair[0] && other != pair[1]) {
                        leave(other);
                    }
                }
                return pair;
            }
        }
        throw new AssertionError("32 clients from distinct ports all landed on one shard");
    }

    /** Disconnects {@code player} and waits until the server has freed its slot; returns its address. */
    private NetcodeAddress leave(Player player) throws Exception {
        NetcodeAddress address = NetcodeAddress.of(player.localAddress().toInetAddress(), player.localAddress().port());
        int before = server.connectedClientCount();
        player.close();
        players.remove(player);
        assertThat(waitFor(() -> server.connectedClientCount() == before - 1)).as("the server saw it leave").isTrue();
        return address;
    }

    private List<List<Long>> clientIdsPerShard() {
        return server.callEach(machine -> machine.connectedSlots().stream().map(ClientSlot::clientId).toList()).join();
    }

    private Player playerWithId(long clientId) {
        return players.stream().filter(p -> p.clientId == clientId).findFirst().orElseThrow();
    }

    private static int indexOf(ServerSnapshot snapshot, long clientId) {
        return snapshot.clients().stream().filter(c -> c.clientId() == clientId).findFirst().orElseThrow().index();
    }

    /** Repeats {@code action} (UDP may lose what it sends) until {@code condition} holds or 5 s pass. */
    private static boolean until(BooleanSupplier condition, Runnable action) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            action.run();
            Thread.sleep(20);
        }
        return true;
    }

    private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        return until(condition, () -> {
        });
    }

    /** A client on a port of its own, with what it has received. */
    private final class Player implements AutoCloseable {

        final long clientId;
        final ConnectToken token;
        final NetcodeClient client;
        final List<Byte> received = new CopyOnWriteArrayList<>();

        Player(String host, long clientId, int timeoutSeconds) {
            this(NetcodeAddress.parse(host + ":0"), clientId, tokens.generate(clientId, List.of(server.localAddress()),
                    30, timeoutSeconds, null));
        }

        Player(NetcodeAddress bind, long clientId, ConnectToken token) {
            this.clientId = clientId;
            this.token = token;
            this.client = NetcodeClient.start(bind, new ClientEventHandler() {
                @Override
                public void onPayload(byte[] buf, int offset, int length, long sequence) {
                    received.add(buf[offset]);
                }
            });
            client.connect(token.toBytes());
        }

        ClientState awaitConnected() throws InterruptedException {
            return client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 10_000);
        }

        boolean received(byte marker) {
            return received.contains(marker);
        }

        boolean echoes() throws InterruptedException {
            return until(() -> received(ECHO), () -> client.sendPayload(new byte[] { ECHO }, 0, 1));
        }

        List<Integer> indexAndMaxClients() {
            CompletableFuture<List<Integer>> answer = new CompletableFuture<>();
            client.execute(() -> answer.complete(List.of(client.client().clientIndex(), client.client().maxClients())));
            return answer.orTimeout(5, TimeUnit.SECONDS).join();
        }

        NetcodeAddress localAddress() {
            CompletableFuture<NetcodeAddress> answer = new CompletableFuture<>();
            client.execute(() -> answer.complete(client.client().localAddress()));
            return answer.orTimeout(5, TimeUnit.SECONDS).join();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
