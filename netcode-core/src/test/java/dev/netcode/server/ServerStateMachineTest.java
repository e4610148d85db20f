package dev.netcode.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.PacketCodec;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;
import dev.netcode.testing.ProtocolHarness.RecordingServer;
import dev.netcode.token.ConnectToken;
import dev.netcode.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Server-level reference tests ({@code test_runtime_guards}, {@code test_server_restart_global_sequence})
 * and robustness checks: table capacities, throwing event handlers, garbage datagrams, long-lived mappings.
 */
class ServerStateMachineTest {

    private static final String ADDRESS = "127.0.0.1:40000";
    private static final long GLOBAL_SEED = 1L << 63;

    private final ProtocolHarness h = new ProtocolHarness();

    private static void connect(ProtocolHarness h, RecordingClient client, ConnectToken token) {
        client.client().connect(token);
        assertThat(h.tickUntil(() -> client.state() == ClientState.CONNECTED, 50))
                .as("client %s connects", client.client().localAddress()).isTrue();
        // one more tick so the server sees a packet from the client and marks it confirmed
        h.tick();
    }

    // ---- test_runtime_guards ------------------------------------------------------------------

    @Test
    void test_runtime_guards() {
        List<Integer> loopbackSends = new ArrayList<>();
        RecordingServer rs = h.server(ADDRESS,
                b -> b.loopbackPacketSender((index, buf, offset, length, sequence) -> loopbackSends.add(index)));
        ServerStateMachine server = rs.server();

        for (int bad : new int[] { 0, -1, ServerConfig.MAX_CLIENTS_LIMIT + 1, Integer.MIN_VALUE }) {
            assertThatThrownBy(() -> server.start(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThat(server.isRunning()).as("after start(%d)", bad).isFalse();
            assertThat(server.maxClients()).isZero();
        }
        // a stopped server answers every slot query with null/false/NONE
        assertThat(server.slot(0)).isNull();
        assertThat(server.isClientConnected(0)).isFalse();
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.NONE);
        assertThat(server.connectLoopbackClient(0, 7, null)).isFalse();
        assertThat(server.connectedClientCount()).isZero();

        server.start(1);
        assertThat(server.isRunning()).isTrue();
        assertThat(server.maxClients()).isEqualTo(1);

        RecordingClient client = h.client();
        connect(h, client, h.token(1001, ADDRESS));
        assertThat(server.isClientConnected(0)).isTrue();

        // an invalid start on a running server changes nothing either
        assertThatThrownBy(() -> server.start(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.isRunning()).isTrue();
        assertThat(server.maxClients()).isEqualTo(1);
        assertThat(server.isClientConnected(0)).isTrue();

        long sentBefore = server.packetsSent();
        long networkSentBefore = h.network.sent();
        byte[] payload = { 1, 2, 3 };
        for (int bad : new int[] { -1, 1, 2, 256, ServerConfig.MAX_CLIENTS_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE }) {
            assertThat(server.slot(bad)).as("slot(%d)", bad).isNull();
            assertThat(server.isClientConnected(bad)).isFalse();
            assertThat(server.disconnectReason(bad)).isEqualTo(DisconnectReason.NONE);
            server.sendPayload(bad, payload);
            server.disconnectClient(bad);
            assertThat(server.connectLoopbackClient(bad, 99, new byte[] { 9 })).isFalse();
            server.disconnectLoopbackClient(bad);
            server.processLoopbackPacket(bad, payload, 0, payload.length);
        }
        assertThat(server.findClientIndex(99)).isEqualTo(-1);
        assertThat(server.packetsSent()).isEqualTo(sentBefore);
        assertThat(h.network.sent()).isEqualTo(networkSentBefore);
        assertThat(loopbackSends).isEmpty();
        assertThat(rs.events().payloads).isEmpty();
        assertThat(rs.events().disconnected).isEmpty();
        assertThat(rs.events().connected).containsExactly(1001L);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).clientId()).isEqualTo(1001L);
        assertThat(server.findClientIndex(1001)).isZero();

        // and the real client is unaffected
        for (int i = 0; i < 20; i++) {
            h.tick();
        }
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.dropCounters().total()).isZero();

        // a loopback client in the one valid slot that is already taken is refused too
        assertThat(server.connectLoopbackClient(0, 99, null)).isFalse();
        assertThat(server.slot(0).isLoopback()).isFalse();

        // the largest slot count is accepted
        server.start(ServerConfig.MAX_CLIENTS_LIMIT);
        assertThat(server.isRunning()).isTrue();
        assertThat(server.maxClients()).isEqualTo(ServerConfig.MAX_CLIENTS_LIMIT);
        assertThat(server.slot(ServerConfig.MAX_CLIENTS_LIMIT - 1)).isNotNull();
        assertThat(server.slot(ServerConfig.MAX_CLIENTS_LIMIT)).isNull();
    }

    // ---- test_server_restart_global_sequence --------------------------------------------------

    @Test
    void test_server_restart_global_sequence() {
        AtomicInteger globalPackets = new AtomicInteger();
        NetcodeAddress serverAddress = NetcodeAddress.parse(ADDRESS);
        h.network.setFilter((from, to, buf, offset, length) -> {
            int type = buf[offset] & 0x0F;
            if (from.equals(serverAddress) && (type == 1 || type == 2)) {
                globalPackets.incrementAndGet();
            }
            return true;
        });
        ServerStateMachine server = h.server(ADDRESS).server();
        assertThat(server.globalSequence()).isEqualTo(GLOBAL_SEED);
        server.start(2);
        assertThat(server.globalSequence()).isEqualTo(GLOBAL_SEED);

        connect(h, h.client(), h.token(1, ADDRESS));
        connect(h, h.client(), h.token(2, ADDRESS));
        assertThat(globalPackets.get()).isGreaterThanOrEqualTo(2);
        assertThat(server.globalSequence()).isEqualTo(GLOBAL_SEED + globalPackets.get());
        assertThat(Long.compareUnsigned(server.globalSequence(), GLOBAL_SEED)).isPositive();

        server.stop();
        server.start(2);
        assertThat(server.globalSequence()).isEqualTo(GLOBAL_SEED);

        // a start on a running server (implicit stop) re-seeds as well
        connect(h, h.client(), h.token(3, ADDRESS));
        assertThat(server.globalSequence()).isNotEqualTo(GLOBAL_SEED);
        server.start(2);
        assertThat(server.globalSequence()).isEqualTo(GLOBAL_SEED);
    }

    // ---- table capacities ---------------------------------------------------------------------

    /** The reference's tables are fixed: 2048 token entries and 1024 mappings, whatever the slot count. */
    @Test
    void tablesHaveReferenceCapacityForSmallServers() {
        ServerStateMachine server = h.server(ADDRESS).server();
        for (int slots : new int[] { 1, 2, 64, 256 }) {
            server.start(slots);
            assertThat(server.tokenHistory().capacity()).as("history, %d slots", slots).isEqualTo(2048);
            assertThat(server.encryptionMappings().capacity()).as("mappings, %d slots", slots).isEqualTo(1024);
        }
        server.start(ServerConfig.MAX_CLIENTS_LIMIT);
        assertThat(server.tokenHistory().capacity()).isGreaterThanOrEqualTo(ServerConfig.MAX_CLIENTS_LIMIT * 8);
        assertThat(server.encryptionMappings().capacity()).isGreaterThanOrEqualTo(ServerConfig.MAX_CLIENTS_LIMIT * 4);
    }

    /** Many short sessions on a 1-slot server within one token lifetime: each fresh token still gets in. */
    @Test
    void oneSlotServerAdmitsManySessionsWithinOneTokenLifetime() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        for (int session = 0; session < 20; session++) {
            connect(h, client, h.token(5000 + session, ADDRESS));
            assertThat(server.slot(0).clientId()).isEqualTo(5000L + session);
            server.disconnectClient(0);
            assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();
        }
        assertThat(rs.events().connected).hasSize(20);
        assertThat(server.dropCounters().get(DropReason.TOKEN_HISTORY_FULL)).isZero();
        assertThat(server.dropCounters().get(DropReason.ENCRYPTION_MAPPING_FULL)).isZero();
    }

    /** Commands that name the client as well as the slot never reach the next player of a reused slot. */
    @Test
    void slotAndClientIdCommandsRefuseTheNextPlayerOfAReusedSlot() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient first = h.client();
        connect(h, first, h.token(7001, ADDRESS));
        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> first.state() == ClientState.DISCONNECTED, 10)).isTrue();
        RecordingClient second = h.client();
        connect(h, second, h.token(7002, ADDRESS));
        long sentBefore = server.slot(0).packetsSent();

        assertThat(server.holds(0, 7001)).isFalse();
        assertThat(server.sendPayload(0, 7001, new byte[] { 1 }, 0, 1)).isFalse();
        assertThat(server.disconnectClient(0, 7001)).isFalse();
        assertThat(server.slot(0).packetsSent()).isEqualTo(sentBefore);
        assertThat(server.isClientConnected(0)).isTrue();

        assertThat(server.sendPayload(0, 7002, new byte[] { 2 }, 0, 1)).isTrue();
        h.tick();
        assertThat(second.events().payloads).anySatisfy(p -> assertThat(p).containsExactly(2));
        assertThat(server.disconnectClient(0, 7002)).isTrue();
        assertThat(server.isClientConnected(0)).isFalse();
    }

    /**
     * A full table turns away holders of valid tokens: counted, and logged at most once a minute of
     * server time, with the refusals since the last warning.
     */
    @Test
    void fullMappingTableRefusesValidTokensAndWarnsAtMostOncePerMinute() {
        ServerStateMachine server = h.server(ADDRESS).server();
        server.start(1);
        int capacity = server.encryptionMappings().capacity();
        AtomicInteger port = new AtomicInteger(10_000);
        byte[] request = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (PacketCodec codec = new PacketCodec(ProtocolHarness.PROTOCOL_ID)) {
            Runnable sendRequest = () -> {
                int from = port.getAndIncrement();
                int length = codec.writeConnectionRequest(request, h.token(from, ADDRESS));
                // one host each: a host may only have ServerConfig.MAX_PENDING_PER_IP handshakes pending
                server.onDatagram(NetcodeAddress.parse("127.1." + (from >> 8 & 0xFF) + "." + (from & 0xFF) + ":" + from),
                        request, 0, length);
            };
            for (int i = 0; i < capacity + 3; i++) {
                sendRequest.run();
            }
            assertThat(server.dropCounters().get(DropReason.ENCRYPTION_MAPPING_FULL)).isEqualTo(3);
            assertThat(warnings(captured)).singleElement().asString()
                    .contains("the encryption-mapping table is full (" + capacity + " entries")
                    .endsWith("1 refused since the last warning");

            h.tick(10); // the pending handshakes' mappings live 15 s
            sendRequest.run();
            sendRequest.run();
            assertThat(server.dropCounters().get(DropReason.ENCRYPTION_MAPPING_FULL)).isEqualTo(5);
            assertThat(warnings(captured)).hasSize(1);

            h.advanceUnixTime(61); // every token so far expires, and with it its history entry
            h.tick(ServerStateMachine.CAPACITY_WARNING_INTERVAL - 10 + 1);
            for (int i = 0; i < capacity + 1; i++) {
                sendRequest.run();
            }
            assertThat(server.dropCounters().get(DropReason.ENCRYPTION_MAPPING_FULL)).isEqualTo(6);
            assertThat(warnings(captured)).hasSize(2).last().asString().endsWith("5 refused since the last warning"); // 2 + 2 + 1
        }
        finally {
            System.setErr(stderr);
        }
    }

    private static List<String> warnings(ByteArrayOutputStream captured) {
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("ignoring connection requests with valid tokens")).toList();
    }

    // ---- when the next update is due --------------------------------------------------------------

    /**
     * The real-time loop reads nextUpdateTime after every update, outside the handler guards: a
     * handler whose deadline throws must not end the server's thread.
     */
    @Test
    void aHandlerWhoseNextUpdateTimeThrowsIsCountedAndLeftOut() {
        ServerEventHandler handler = new ServerEventHandler() {
            @Override
            public double nextUpdateTime() {
                throw new IllegalStateException("boom on nextUpdateTime");
            }
        };
        ServerStateMachine server = h.server(ADDRESS, b -> b.eventHandler(handler)).server();
        server.start(4);
        server.update(h.time());
        assertThat(server.nextUpdateTime()).as("no clients: the server's own deadline").isInfinite();
        assertThat(server.handlerErrors()).isOne();
        RecordingClient client = h.client();
        connect(h, client, h.token(1, ADDRESS));
        assertThat(server.nextUpdateTime()).isEqualTo(server.slot(0).lastSendTime + NetcodeProtocol.PACKET_SEND_INTERVAL);
    }

    /** What a real-time loop may sleep until: the earliest keep-alive or timeout, +Infinity when idle. */
    @Test
    void nextUpdateTimeIsTheEarliestKeepAliveOrTimeout() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        assertThat(server.nextUpdateTime()).as("not running").isInfinite();
        server.start(4);
        server.update(h.time());
        assertThat(server.nextUpdateTime()).as("no clients").isEqualTo(Double.POSITIVE_INFINITY);

        RecordingClient client = h.client();
        connect(h, client, h.token(1, ADDRESS)); // timeout 15 s
        ClientSlot slot = server.slot(0);
        assertThat(server.nextUpdateTime()).isEqualTo(slot.lastSendTime + NetcodeProtocol.PACKET_SEND_INTERVAL)
                .isGreaterThan(h.time()).isLessThanOrEqualTo(h.time() + NetcodeProtocol.PACKET_SEND_INTERVAL);

        // A client that stops talking: keep-alives still fall due first, until the timeout is nearer.
        h.network.setPacketLossPercent(100);
        double lastHeard = slot.lastReceiveTime;
        while (server.slot(0).isConnected() && h.time() < lastHeard + 14.95) {
            h.tick();
            assertThat(server.nextUpdateTime()).isLessThanOrEqualTo(lastHeard + 15);
        }
        h.tick(lastHeard + 15 - h.time());
        assertThat(server.slot(0).isConnected()).isFalse();
        assertThat(server.nextUpdateTime()).isEqualTo(Double.POSITIVE_INFINITY);
        server.stop();
        assertThat(server.nextUpdateTime()).isInfinite();
    }

    /**
     * The disconnect event comes after the slot is freed: a handler that reads the count or the
     * slot sees the client gone, while the slot still tells who it was.
     */
    @Test
    void disconnectEventSeesTheSlotFreedAndTheCountLowered() {
        List<String> seen = new ArrayList<>();
        ServerStateMachine[] server = new ServerStateMachine[1];
        ServerEventHandler handler = new ServerEventHandler() {
            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                seen.add(slot.clientId() + " " + slot.address() + " connected=" + slot.isConnected() + " count="
                        + server[0].connectedClientCount() + " free=" + !server[0].isClientConnected(slot.index())
                        + " id=" + server[0].findClientIndex(slot.clientId()));
            }
        };
        server[0] = h.server(ADDRESS, b -> b.eventHandler(handler)).server();
        server[0].start(2);
        RecordingClient client = h.client();
        connect(h, client, h.token(31, ADDRESS));
        server[0].disconnectClient(0);
        assertThat(seen).containsExactly("31 " + client.client().localAddress() + " connected=false count=0 free=true id=-1");
        assertThat(server[0].slot(0).clientId()).as("cleared after the event").isZero();
    }

    /**
     * The slot is free during the disconnect event, so a handler may give it to a loopback client
     * (a bot taking the leaving player's place): the bot keeps it once the handler returns.
     */
    @Test
    void disconnectHandlerMayGiveTheFreedSlotToALoopbackClient() {
        long botId = 900;
        AtomicInteger botsConnected = new AtomicInteger();
        ServerStateMachine[] server = new ServerStateMachine[1];
        ServerEventHandler handler = new ServerEventHandler() {
            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                if (slot.clientId() != botId && server[0].connectLoopbackClient(slot.index(), botId, null)) {
                    botsConnected.incrementAndGet();
                }
            }
        };
        server[0] = h.server(ADDRESS, b -> b.eventHandler(handler)
            .loopbackPacketSender((index, buf, offset, length, sequence) -> {
            })).server();
        server[0].start(1);
        connect(h, h.client(), h.token(33, ADDRESS));

        server[0].disconnectClient(0);

        assertThat(botsConnected).hasValue(1);
        assertThat(server[0].isClientConnected(0)).isTrue();
        assertThat(server[0].slot(0).isLoopback()).isTrue();
        assertThat(server[0].slot(0).clientId()).isEqualTo(botId);
        assertThat(server[0].connectedClientCount()).isOne();
        server[0].disconnectLoopbackClient(0);
        assertThat(server[0].isClientConnected(0)).isFalse();
        assertThat(server[0].connectedClientCount()).isZero();
    }

    /** An {@code Error} from a handler (an assertion, a stack overflow) is caught like an exception. */
    @Test
    void eventHandlerThrowingAnErrorNeverBreaksTheServer() {
        ServerEventHandler handler = new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                throw new AssertionError("a game's assertion");
            }
        };
        ServerStateMachine server = h.server(ADDRESS, b -> b.eventHandler(handler)).server();
        server.start(1);
        RecordingClient client = h.client();
        connect(h, client, h.token(32, ADDRESS));
        client.client().sendPayload(new byte[] { 1 });
        h.tick();
        assertThat(server.handlerErrors()).isOne();
        assertThat(server.isClientConnected(0)).isTrue();
        server.sendPayload(0, new byte[] { 9 });
        h.tick();
        assertThat(client.events().payloads).containsExactly(new byte[] { 9 });
    }

    // ---- event handlers that throw --------------------------------------------------------------

    @Test
    void throwingEventHandlerNeverBreaksTheServer() {
        long badId = 666;
        List<String> seen = new ArrayList<>();
        ServerEventHandler handler = new ServerEventHandler() {
            @Override
            public void onClientConnected(ClientSlot slot) {
                seen.add("connect " + slot.clientId() + " " + slot.index());
                if (slot.clientId() == badId) {
                    throw new IllegalStateException("boom on connect");
                }
            }

            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                seen.add("payload " + slot.clientId() + " " + Arrays.toString(Arrays.copyOfRange(buf, offset, offset + length)));
                if (slot.clientId() == badId) {
                    throw new IllegalStateException("boom on payload");
                }
            }

            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                seen.add("disconnect " + slot.clientId() + " " + reason);
                if (slot.clientId() == badId) {
                    throw new IllegalStateException("boom on disconnect");
                }
            }
        };
        ServerStateMachine server = h.server(ADDRESS, b -> b.eventHandler(handler)).server();
        server.start(2);
        RecordingClient bad = h.client();
        RecordingClient good = h.client();
        connect(h, bad, h.token(badId, ADDRESS));
        assertThat(server.handlerErrors()).isEqualTo(1);
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.slot(0).clientId()).isEqualTo(badId);
        connect(h, good, h.token(7, ADDRESS));
        assertThat(server.slot(1).clientId()).isEqualTo(7L);

        bad.client().sendPayload(new byte[] { 1 });
        good.client().sendPayload(new byte[] { 2 });
        h.tick();
        assertThat(server.handlerErrors()).isEqualTo(2);
        bad.client().sendPayload(new byte[] { 3 });
        h.tick();
        assertThat(server.handlerErrors()).isEqualTo(3);
        server.sendPayload(0, new byte[] { 4 });
        server.sendPayload(1, new byte[] { 5 });
        h.tick();
        assertThat(bad.events().payloads).containsExactly(new byte[] { 4 });
        assertThat(good.events().payloads).containsExactly(new byte[] { 5 });

        server.disconnectClient(0);
        assertThat(server.handlerErrors()).isEqualTo(4);
        assertThat(server.isClientConnected(0)).isFalse();
        assertThat(server.slot(0).clientId()).isZero();
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.SERVER_DISCONNECT);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(h.tickUntil(() -> bad.state() == ClientState.DISCONNECTED, 10)).isTrue();

        // the other client is untouched and the freed slot is reusable
        for (int i = 0; i < 30; i++) {
            h.tick();
        }
        assertThat(good.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.isClientConnected(1)).isTrue();
        RecordingClient third = h.client();
        connect(h, third, h.token(8, ADDRESS));
        assertThat(third.client().clientIndex()).isZero();
        assertThat(server.handlerErrors()).isEqualTo(4);
        assertThat(seen).containsExactly("connect 666 0", "connect 7 1", "payload 666 [1]", "payload 7 [2]",
                "payload 666 [3]", "disconnect 666 SERVER_DISCONNECT", "connect 8 0");
        // at most a keep-alive the kicked client sent in the tick it learned of the disconnect
        assertThat(server.dropCounters().total()).isEqualTo(server.dropCounters().get(DropReason.NO_KEY));
        assertThat(server.dropCounters().get(DropReason.NO_KEY)).isLessThanOrEqualTo(1);
    }

    // ---- garbage datagrams ----------------------------------------------------------------------

    @Test
    void garbageDatagramsAreDroppedAndNeverThrow() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(4);
        RecordingClient a = h.client();
        RecordingClient b = h.client();
        connect(h, a, h.token(1, ADDRESS));
        connect(h, b, h.token(2, ADDRESS));
        assertThat(server.dropCounters().total()).isZero();

        SplittableRandom random = new SplittableRandom(0xBADC0DE);
        List<Transport> attackers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            attackers.add(h.network.endpoint(NetcodeAddress.parse(
                    "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254)) + ":"
                            + (1 + random.nextInt(65535)))));
        }
        NetcodeAddress serverAddress = NetcodeAddress.parse(ADDRESS);
        NetcodeAddress connectedAddress = a.client().localAddress();
        long garbage = 0;
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 10; k++) {
                byte[] data = randomDatagram(random);
                if (k == 0) {
                    // straight from a connected client's address: goes through the slot's key and replay window
                    server.onDatagram(connectedAddress, data, 0, data.length);
                }
                else {
                    attackers.get(random.nextInt(attackers.size())).send(serverAddress, data, 0, data.length);
                }
                garbage++;
            }
            if (round % 10 == 0) {
                a.client().sendPayload(new byte[] { (byte) round });
                b.client().sendPayload(new byte[] { (byte) ~round });
            }
            h.tick();
        }
        for (int i = 0; i < 5; i++) {
            h.tick();
        }
        assertThat(server.dropCounters().total()).isEqualTo(garbage);
        assertThat(server.dropCounters().get(DropReason.NO_KEY)).isPositive();
        assertThat(server.dropCounters().get(DropReason.BAD_LENGTH)).isPositive();
        assertThat(server.dropCounters().get(DropReason.DECRYPT_FAILED)).isPositive();
        assertThat(server.connectedClientCount()).isEqualTo(2);
        assertThat(server.slot(0).clientId()).isEqualTo(1L);
        assertThat(server.slot(1).clientId()).isEqualTo(2L);
        assertThat(a.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(b.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(rs.events().payloads).hasSize(2 * rounds / 10);
        assertThat(rs.events().disconnected).isEmpty();
    }

    /** Random bytes of random length 0..1500, often with a plausible prefix so deeper checks run. */
    private static byte[] randomDatagram(SplittableRandom random) {
        int length = switch (random.nextInt(4)) {
            case 0 -> NetcodeProtocol.CONNECTION_REQUEST_BYTES;
            case 1 -> random.nextInt(40);
            default -> random.nextInt(1501);
        };
        byte[] data = new byte[length];
        random.nextBytes(data);
        if (length > 0) {
            switch (random.nextInt(3)) {
                case 0 -> data[0] = 0;
                case 1 -> data[0] = (byte) (((1 + random.nextInt(8)) << 4) | (1 + random.nextInt(6)));
                default -> {
                }
            }
        }
        if (length == NetcodeProtocol.CONNECTION_REQUEST_BYTES && data[0] == 0 && random.nextBoolean()) {
            // a well-formed header with a random (undecryptable) token
            System.arraycopy(NetcodeProtocol.versionInfo(), 0, data, 1, NetcodeProtocol.VERSION_INFO_BYTES);
            dev.netcode.Bytes.writeU64(data, 14, ProtocolHarness.PROTOCOL_ID);
            dev.netcode.Bytes.writeU64(data, 22, random.nextBoolean() ? -1L : 1_800_000_000L);
        }
        return data;
    }

    // ---- mappings of connected slots ------------------------------------------------------------

    /** Mapping idle expiry must never catch a connected slot: every packet sent to it refreshes the mapping. */
    @Test
    void slotMappingKeepsWorkingAfterHoursOfConnectedTraffic() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(2);
        RecordingClient client = h.client();
        connect(h, client, h.token(77, ADDRESS));
        EncryptionMappings.Entry mapping = server.slot(0).mapping;
        assertThat(mapping.ownerSlot).isZero();
        assertThat(mapping.expireTime).isEqualTo(EncryptionMappings.NEVER);
        assertThat(mapping.timeout).isEqualTo(ProtocolHarness.TIMEOUT);

        // three hours of one-second ticks: keep-alives both ways, payloads from the server in the last ten minutes
        for (int i = 0; i < 3 * 3600; i++) {
            h.tick(1.0);
            if (i >= 3 * 3600 - 600) {
                server.sendPayload(0, new byte[] { (byte) i });
            }
        }
        h.tick(1.0);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.slot(0).mapping).isSameAs(mapping);
        assertThat(mapping.isExpired(server.time())).isFalse();
        assertThat(server.encryptionMappings().find(client.client().localAddress(), server.time())).isSameAs(mapping);
        assertThat(client.events().payloads).hasSize(600);

        client.client().sendPayload(new byte[] { 42 });
        server.sendPayload(0, new byte[] { 43 });
        h.tick(1.0);
        assertThat(rs.events().payloads).containsExactly(new byte[] { 42 });
        assertThat(client.events().payloads.get(600)).isEqualTo(new byte[] { 43 });
        assertThat(server.dropCounters().total()).isZero();
        assertThat(client.client().dropCounters().total()).isZero();
    }
}
