package dev.netcode.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.packet.DropReason;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;
import dev.netcode.testing.ProtocolHarness.RecordingServer;
import dev.netcode.token.ConnectToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connect / disconnect / reconnect scenarios of the reference suite (tests 38-43 and the 1.4.5 and
 * 1.4.7 additions), on the harness's perfect (lossless) simulated network, plus token-lifecycle extras.
 */
class ClientServerLifecycleTest {

    private static final String ADDRESS = "127.0.0.1:40000";
    private static final NetcodeAddress SERVER = NetcodeAddress.parse(ADDRESS);
    private static final int PAYLOAD = 5;

    private final ProtocolHarness h = new ProtocolHarness();

    private void connect(RecordingClient client, ConnectToken token) {
        client.client().connect(token);
        assertThat(h.tickUntil(() -> client.state() == ClientState.CONNECTED, 50))
                .as("client %s connects", client.client().localAddress()).isTrue();
        // one more tick so the server has a packet from the client (slot confirmed)
        h.tick();
    }

    /**
     * A new client on {@code client}'s address, as after the game restarted: unlike {@code client},
     * which refuses a token it already used, it does not know the token, so what follows is up to
     * the server.
     */
    private RecordingClient restarted(RecordingClient client) {
        NetcodeAddress address = client.client().localAddress();
        client.client().close();
        return h.client(address.toString());
    }

    /** Counts 1078-byte connection requests sent from {@code client} to the server. */
    private AtomicInteger countRequests(RecordingClient client) {
        AtomicInteger requests = new AtomicInteger();
        NetcodeAddress address = client.client().localAddress();
        h.network.setFilter((from, to, buf, offset, length) -> {
            if (from.equals(address) && to.equals(SERVER) && buf[offset] == 0 && length == 1078) {
                requests.incrementAndGet();
            }
            return true;
        });
        return requests;
    }

    /** Ticks until the client leaves the connecting states, which must take longer than 14 s and at most 16 s. */
    private void expectRequestTimeout(RecordingClient client) {
        double start = h.time();
        assertThat(h.tickUntil(() -> !client.state().isActive(), 170)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(h.time() - start).isBetween(ProtocolHarness.TIMEOUT - 1.0, ProtocolHarness.TIMEOUT + 1.0);
    }

    private static byte[] payload(int tag) {
        byte[] data = new byte[PAYLOAD];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (tag + i);
        }
        return data;
    }

    // ---- 38-41 ----------------------------------------------------------------------------------

    @Test
    void test_client_side_disconnect() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        connect(client, h.token(1, ADDRESS));
        assertThat(server.connectedClientCount()).isEqualTo(1);

        client.client().disconnect();
        assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(h.tickUntil(() -> server.connectedClientCount() == 0, 10)).isTrue();
        assertThat(server.isClientConnected(0)).isFalse();
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.CLIENT_DISCONNECT);
        assertThat(rs.events().disconnected).containsExactly(DisconnectReason.CLIENT_DISCONNECT);
        // the other 9 disconnect packets arrive after the slot was freed: no key for them any more
        h.tick();
        assertThat(server.dropCounters().get(DropReason.NO_KEY)).isEqualTo(9);
        assertThat(server.dropCounters().total()).isEqualTo(9);
    }

    @Test
    void test_server_side_disconnect() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        connect(client, h.token(1, ADDRESS));

        server.disconnectClient(0);
        assertThat(server.isClientConnected(0)).isFalse();
        assertThat(server.connectedClientCount()).isZero();
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();
        assertThat(client.events().states).endsWith(ClientState.CONNECTED, ClientState.DISCONNECTED);
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.SERVER_DISCONNECT);
        assertThat(rs.events().disconnected).containsExactly(DisconnectReason.SERVER_DISCONNECT);
        // the client ignored the 9 redundant disconnect packets silently (one flag, one transition)
        assertThat(client.events().states).containsOnlyOnce(ClientState.DISCONNECTED);
    }

    @Test
    void test_server_client_disconnect_reason() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.NONE);
        RecordingClient client = h.client();
        AtomicBoolean silent = new AtomicBoolean();
        NetcodeAddress clientAddress = client.client().localAddress();
        h.network.setFilter((from, to, buf, offset, length) -> !(silent.get() && from.equals(clientAddress)));

        connect(client, h.token(1, ADDRESS));
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.NONE);

        silent.set(true);
        double silentSince = h.time();
        assertThat(h.tickUntil(() -> h.time() - silentSince >= ProtocolHarness.TIMEOUT - 1.0, 200)).isTrue();
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(h.tickUntil(() -> !server.isClientConnected(0), 20)).isTrue();
        assertThat(h.time() - silentSince).isLessThanOrEqualTo(ProtocolHarness.TIMEOUT + 0.5);
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.TIMED_OUT);
        assertThat(rs.events().disconnected).containsExactly(DisconnectReason.TIMED_OUT);
        assertThat(server.connectedClientCount()).isZero();

        // the client hears nothing any more; reconnect it with a new token
        silent.set(false);
        long noKeyBefore = server.dropCounters().get(DropReason.NO_KEY);
        connect(client, h.token(1, ADDRESS));
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.NONE);
        assertThat(server.slot(0).disconnectReason()).isEqualTo(DisconnectReason.NONE);
        // connect() first sent the 10 disconnect packets of the old session, for which the server has no key
        assertThat(server.dropCounters().get(DropReason.NO_KEY) - noKeyBefore).isEqualTo(10);
    }

    @Test
    void test_client_reconnect() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        connect(client, h.token(42, ADDRESS));
        NetcodeAddress address = client.client().localAddress();
        assertThat(server.slot(0).address()).isEqualTo(address);

        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();

        connect(client, h.token(42, ADDRESS));
        assertThat(client.client().clientIndex()).isZero();
        assertThat(client.client().maxClients()).isEqualTo(1);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).clientId()).isEqualTo(42L);
        assertThat(server.slot(0).address()).isEqualTo(address);
        assertThat(rs.events().connected).containsExactly(42L, 42L);

        client.client().sendPayload(payload(1));
        server.sendPayload(0, payload(2));
        h.tick();
        assertThat(rs.events().payloads).containsExactly(payload(1));
        assertThat(client.events().payloads).containsExactly(payload(2));
    }

    // ---- 42 test_disable_timeout ------------------------------------------------------------------

    @Test
    void test_disable_timeout() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        connect(client, h.token(1, ProtocolHarness.TOKEN_EXPIRY, -1, ADDRESS));
        assertThat(server.slot(0).timeoutSeconds()).isEqualTo(-1);

        List<byte[]> toServer = new ArrayList<>();
        List<byte[]> toClient = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            h.tick(1000.0);
            assertThat(client.state()).as("tick %d", i).isEqualTo(ClientState.CONNECTED);
            assertThat(server.isClientConnected(0)).isTrue();
            byte[] up = payload(10 + i);
            byte[] down = payload(100 + i);
            client.client().sendPayload(up);
            server.sendPayload(0, down);
            toServer.add(up);
            toClient.add(down);
        }
        h.tick(1000.0);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(rs.events().payloads).containsExactlyElementsOf(toServer);
        assertThat(client.events().payloads).containsExactlyElementsOf(toClient);
        assertThat(rs.events().disconnected).isEmpty();
        assertThat(server.dropCounters().total()).isZero();
    }

    // ---- 43 test_loopback -------------------------------------------------------------------------

    @Test
    void test_loopback() {
        AtomicReference<ClientStateMachine> loopbackClient = new AtomicReference<>();
        RecordingServer rs = h.server(ADDRESS, b -> b.loopbackPacketSender(
                (index, buf, offset, length, sequence) -> {
                    assertThat(index).isZero();
                    loopbackClient.get().processLoopbackPacket(buf, offset, length, sequence);
                }));
        ServerStateMachine server = rs.server();
        server.start(2);
        RecordingClient loop = h.client();
        loopbackClient.set(loop.client());
        long loopId = 0xABCDL;

        assertThat(server.connectLoopbackClient(0, loopId, new byte[] { 7, 7 })).isTrue();
        assertThat(loop.client().connectLoopback(0, 2,
                data -> server.processLoopbackPacket(0, data, 0, data.length))).isTrue();
        assertThat(loop.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(loop.client().isLoopback()).isTrue();
        assertThat(loop.client().clientIndex()).isZero();
        assertThat(loop.client().maxClients()).isEqualTo(2);
        assertThat(server.slot(0).isLoopback()).isTrue();
        assertThat(server.slot(0).clientId()).isEqualTo(loopId);
        assertThat(server.slot(0).address()).isNull();
        assertThat(server.slot(0).userData()[0]).isEqualTo((byte) 7);
        assertThat(server.connectedClientCount()).isEqualTo(1);

        RecordingClient real = h.client();
        connect(real, h.token(99, ADDRESS));
        assertThat(real.client().clientIndex()).isEqualTo(1);
        assertThat(server.slot(1).clientId()).isEqualTo(99L);
        assertThat(server.connectedClientCount()).isEqualTo(2);

        exchangePayloads(rs, loop, real, 0);

        // disconnect-all leaves the loopback slot alone
        server.disconnectAllClients();
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.slot(0).isLoopback()).isTrue();
        assertThat(server.isClientConnected(1)).isFalse();
        assertThat(server.disconnectReason(1)).isEqualTo(DisconnectReason.SERVER_DISCONNECT);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(h.tickUntil(() -> real.state() == ClientState.DISCONNECTED, 10)).isTrue();
        assertThat(loop.state()).isEqualTo(ClientState.CONNECTED);
        connect(real, h.token(99, ADDRESS));
        assertThat(real.client().clientIndex()).isEqualTo(1);

        // loopback disconnect and reconnect
        server.disconnectLoopbackClient(0);
        loop.client().disconnectLoopback();
        assertThat(server.isClientConnected(0)).isFalse();
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.SERVER_DISCONNECT);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(loop.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(loop.client().isLoopback()).isFalse();
        assertThat(server.connectLoopbackClient(0, loopId, null)).isTrue();
        assertThat(loop.client().connectLoopback(0, 2,
                data -> server.processLoopbackPacket(0, data, 0, data.length))).isTrue();
        assertThat(server.connectedClientCount()).isEqualTo(2);
        // a second loopback connect into a taken slot is refused
        assertThat(server.connectLoopbackClient(0, 5, null)).isFalse();
        assertThat(server.connectLoopbackClient(1, 5, null)).isFalse();

        rs.events().payloads.clear();
        loop.events().payloads.clear();
        real.events().payloads.clear();
        exchangePayloads(rs, loop, real, 50);

        // 100000 s of silence (nothing crosses the network): only the real client times out, on both sides.
        // The first jump times out its slot; the client still reads the keep-alives queued before the
        // silence in that update, so it notices on the second.
        h.network.setFilter((from, to, buf, offset, length) -> false);
        h.tick(100_000.0);
        assertThat(server.isClientConnected(1)).isFalse();
        assertThat(server.disconnectReason(1)).isEqualTo(DisconnectReason.TIMED_OUT);
        assertThat(server.isClientConnected(0)).isTrue();
        h.tick(100_000.0);
        assertThat(real.state()).isEqualTo(ClientState.CONNECTION_TIMED_OUT);
        assertThat(server.isClientConnected(1)).isFalse();
        assertThat(server.disconnectReason(1)).isEqualTo(DisconnectReason.TIMED_OUT);
        assertThat(loop.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.slot(0).isLoopback()).isTrue();
        assertThat(server.connectedClientCount()).isEqualTo(1);

        // and the loopback client still works
        rs.events().payloads.clear();
        loop.events().payloads.clear();
        loop.client().sendPayload(payload(200));
        server.sendPayload(0, payload(201));
        assertThat(rs.events().payloads).containsExactly(payload(200));
        assertThat(loop.events().payloads).containsExactly(payload(201));

        // stop disconnects the loopback client as well
        server.stop();
        assertThat(server.connectedClientCount()).isZero();
        assertThat(rs.events().disconnected).endsWith(DisconnectReason.SERVER_DISCONNECT);
    }

    private void exchangePayloads(RecordingServer rs, RecordingClient loop, RecordingClient real, int base) {
        List<byte[]> fromLoop = new ArrayList<>();
        List<byte[]> fromReal = new ArrayList<>();
        List<byte[]> toLoop = new ArrayList<>();
        List<byte[]> toReal = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] a = payload(base + 4 * i);
            byte[] b = payload(base + 4 * i + 1);
            byte[] c = payload(base + 4 * i + 2);
            byte[] d = payload(base + 4 * i + 3);
            loop.client().sendPayload(a);
            real.client().sendPayload(b);
            rs.server().sendPayload(0, c);
            rs.server().sendPayload(1, d);
            fromLoop.add(a);
            fromReal.add(b);
            toLoop.add(c);
            toReal.add(d);
            h.tick();
        }
        h.tick();
        List<byte[]> expectedAtServer = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // loopback payloads arrive synchronously, network ones at the next server update
            expectedAtServer.add(fromLoop.get(i));
            expectedAtServer.add(fromReal.get(i));
        }
        assertThat(rs.events().payloads).containsExactlyElementsOf(expectedAtServer);
        assertThat(loop.events().payloads).containsExactlyElementsOf(toLoop);
        assertThat(real.events().payloads).containsExactlyElementsOf(toReal);
    }

    // ---- 1.4.5 ------------------------------------------------------------------------------------

    @Test
    void test_client_server_replay_across_sessions() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        NetcodeAddress clientAddress = client.client().localAddress();
        AtomicBoolean recording = new AtomicBoolean();
        AtomicReference<byte[]> recorded = new AtomicReference<>();
        h.network.setFilter((from, to, buf, offset, length) -> {
            if (recording.get() && from.equals(clientAddress) && (buf[offset] & 0x0F) == 5) {
                recorded.set(java.util.Arrays.copyOfRange(buf, offset, offset + length));
            }
            return true;
        });

        // session 1: let the sequence grow past what session 2 will have used when the replay comes
        connect(client, h.token(1, ADDRESS));
        for (int i = 0; i < 50; i++) {
            h.tick();
        }
        recording.set(true);
        client.client().sendPayload(payload(1));
        recording.set(false);
        h.tick();
        assertThat(recorded.get()).isNotNull();
        assertThat(rs.events().payloads).containsExactly(payload(1));

        // within session 1 the same datagram is a replay
        server.onDatagram(clientAddress, recorded.get().clone(), 0, recorded.get().length);
        assertThat(server.dropCounters().get(DropReason.REPLAYED)).isEqualTo(1);
        assertThat(rs.events().payloads).hasSize(1);

        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();

        // session 2: same client id and address, new token
        connect(client, h.token(1, ADDRESS));
        assertThat(server.slot(0).address()).isEqualTo(clientAddress);
        long decryptFailedBefore = server.dropCounters().get(DropReason.DECRYPT_FAILED);
        server.onDatagram(clientAddress, recorded.get().clone(), 0, recorded.get().length);
        h.tick();
        assertThat(rs.events().payloads).containsExactly(payload(1));
        assertThat(server.dropCounters().get(DropReason.DECRYPT_FAILED) - decryptFailedBefore).isEqualTo(1);
        assertThat(server.dropCounters().get(DropReason.REPLAYED)).isEqualTo(1);
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);

        // session 2 itself works
        client.client().sendPayload(payload(2));
        h.tick();
        assertThat(rs.events().payloads).containsExactly(payload(1), payload(2));
    }

    @Test
    void test_client_reconnect_with_used_connect_token() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, ADDRESS);
        connect(client, token);
        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();

        // This client remembers the token and refuses it itself (unlike the reference client, which
        // sends requests again): nothing reaches the server.
        long sentBefore = h.network.sent();
        client.client().connect(token);
        assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        h.tick();
        assertThat(h.network.sent()).isEqualTo(sentBefore);

        // A restarted client does not know it used the token: the server refuses every request, as
        // the reference test expects of the reference client.
        RecordingClient restarted = restarted(client);
        AtomicInteger requests = countRequests(restarted);
        restarted.client().connect(token);
        expectRequestTimeout(restarted);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(requests.get()).isGreaterThan(50);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isEqualTo(requests.get());
        assertThat(rs.events().connected).containsExactly(1L);
    }

    @Test
    void usedConnectTokenIsRefusedFromAnotherAddressToo() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(2);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, ADDRESS);
        connect(client, token);
        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();

        RecordingClient thief = h.client();
        AtomicInteger requests = countRequests(thief);
        thief.client().connect(token);
        expectRequestTimeout(thief);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(requests.get()).isGreaterThan(50);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isEqualTo(requests.get());
        assertThat(rs.events().connected).containsExactly(1L);
    }

    @Test
    void pendingTokenIsRefusedFromAnotherAddressWhileItsOwnerConnects() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(2);
        RecordingClient owner = h.client();
        RecordingClient thief = h.client();
        ConnectToken token = h.token(1, ADDRESS);
        // the owner's first request creates the pending entry; the thief's copy is refused silently
        owner.client().connect(token);
        h.tick();
        assertThat(server.tokenHistory().used()).isEqualTo(1);
        thief.client().connect(token);
        h.tick();
        assertThat(owner.state()).isEqualTo(ClientState.SENDING_CONNECTION_RESPONSE);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isEqualTo(1);
        assertThat(server.tokenHistory().used()).isEqualTo(1);
        assertThat(h.tickUntil(() -> owner.state() == ClientState.CONNECTED, 20)).isTrue();
        assertThat(thief.state()).isEqualTo(ClientState.SENDING_CONNECTION_REQUEST);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).address()).isEqualTo(owner.client().localAddress());
    }

    @Test
    void deniedRequestLeavesPendingEntryThatLaterConnectsFromTheSameAddress() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient first = h.client();
        connect(first, h.token(1, ADDRESS));
        RecordingClient second = h.client();
        ConnectToken secondToken = h.token(2, ADDRESS);
        second.client().connect(secondToken);
        assertThat(h.tickUntil(() -> second.state() == ClientState.CONNECTION_DENIED, 10)).isTrue();
        assertThat(server.connectionsDenied()).isEqualTo(1);
        assertThat(first.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.connectedClientCount()).isEqualTo(1);

        first.client().disconnect();
        assertThat(h.tickUntil(() -> server.connectedClientCount() == 0, 10)).isTrue();
        connect(second, secondToken);
        assertThat(server.slot(0).clientId()).isEqualTo(2L);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isZero();
    }

    @Test
    void test_client_error_connect_token_predates_server_start() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        assertThat(server.config().maxConnectTokenLifetime()).isEqualTo(30);
        server.start(1);
        assertThat(server.minConnectTokenExpireTimestamp()).isEqualTo(h.unixTime() + 30);

        RecordingClient client = h.client();
        AtomicInteger requests = countRequests(client);
        client.client().connect(h.token(1, 20, ProtocolHarness.TIMEOUT, ADDRESS));
        expectRequestTimeout(client);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(requests.get()).isGreaterThan(50);
        assertThat(server.dropCounters().get(DropReason.TOKEN_PREDATES_START)).isEqualTo(requests.get());
        assertThat(server.dropCounters().get(DropReason.TOKEN_DECRYPT_FAILED)).isZero();

        // a 30 s token expires exactly at the minimum: accepted (the comparison is strict)
        ConnectToken token = h.token(1, 30, ProtocolHarness.TIMEOUT, ADDRESS);
        assertThat(token.expireTimestamp()).isEqualTo(server.minConnectTokenExpireTimestamp());
        connect(client, token);
        assertThat(server.slot(0).clientId()).isEqualTo(1L);
    }

    // ---- 1.4.7 test_loopback_callback_required ---------------------------------------------------

    @Test
    void test_loopback_callback_required() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(2);
        RecordingClient client = h.client();

        assertThat(server.connectLoopbackClient(0, 1, null)).isFalse();
        assertThat(server.isClientConnected(0)).isFalse();
        assertThat(server.slot(0).isLoopback()).isFalse();
        assertThat(server.connectedClientCount()).isZero();
        assertThat(rs.events().connected).isEmpty();

        assertThat(client.client().connectLoopback(0, 2, null)).isFalse();
        assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(client.client().isLoopback()).isFalse();
        assertThat(client.events().states).isEmpty();

        long serverSent = server.packetsSent();
        long networkSent = h.network.sent();
        server.sendPayload(0, payload(1));
        client.client().sendPayload(payload(2));
        server.processLoopbackPacket(0, payload(3), 0, PAYLOAD);
        client.client().processLoopbackPacket(payload(4), 0, PAYLOAD, 0);
        h.tick();
        assertThat(server.packetsSent()).isEqualTo(serverSent);
        assertThat(h.network.sent()).isEqualTo(networkSent);
        assertThat(rs.events().payloads).isEmpty();
        assertThat(client.events().payloads).isEmpty();
        assertThat(server.connectedClientCount()).isZero();
        assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(server.dropCounters().total()).isZero();
    }

    // ---- restarts and the restart rule ---------------------------------------------------------------

    @Test
    void stopAndStartRefusesTokenMintedBeforeTheRestart() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, ADDRESS);
        connect(client, token);

        h.advanceUnixTime(5);
        server.stop();
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();
        server.start(1);
        assertThat(server.minConnectTokenExpireTimestamp()).isEqualTo(h.unixTime() + 30);
        // the history is carried over (the token stays refused by it too); the restart rule refuses it first
        assertThat(server.tokenHistory().used()).isOne();
        assertThat(Long.compareUnsigned(token.expireTimestamp(), h.unixTime())).isPositive();

        // (the same client would refuse the used token itself)
        RecordingClient restarted = restarted(client);
        AtomicInteger requests = countRequests(restarted);
        restarted.client().connect(token);
        expectRequestTimeout(restarted);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(server.dropCounters().get(DropReason.TOKEN_PREDATES_START)).isEqualTo(requests.get());
        assertThat(requests.get()).isGreaterThan(50);

        connect(restarted, h.token(1, ADDRESS));
        assertThat(server.slot(0).clientId()).isEqualTo(1L);
    }

    @Test
    void newServerOnTheSameAddressRefusesTokenMintedBeforeItStarted() {
        RecordingServer first = h.server(ADDRESS);
        first.server().start(1);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, ADDRESS);
        connect(client, token);

        h.advanceUnixTime(10);
        first.server().close();
        h.freeze(first.server());
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();

        RecordingServer second = h.server(ADDRESS);
        ServerStateMachine server = second.server();
        server.start(1);
        RecordingClient restarted = restarted(client);
        AtomicInteger requests = countRequests(restarted);
        restarted.client().connect(token);
        expectRequestTimeout(restarted);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(second.events().connected).isEmpty();
        assertThat(server.dropCounters().get(DropReason.TOKEN_PREDATES_START)).isEqualTo(requests.get());
        assertThat(requests.get()).isGreaterThan(50);

        connect(restarted, h.token(1, ADDRESS));
        assertThat(second.events().connected).containsExactly(1L);
    }

    /** Expire 2^64-1 (expireSeconds -1) is "far future" everywhere: expiry check, restart rule, history, client. */
    @Test
    void neverExpiringTokenConnectsAndPassesTheRestartRule() {
        RecordingServer rs = h.server(ADDRESS);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, -1, ProtocolHarness.TIMEOUT, ADDRESS);
        assertThat(token.expireTimestamp()).isEqualTo(-1L);
        connect(client, token);
        assertThat(server.slot(0).clientId()).isEqualTo(1L);

        // within a run the token stays consumed however far the wall clock moves
        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();
        h.advanceUnixTime(1_000_000_000L);
        RecordingClient restarted = restarted(client);
        AtomicInteger requests = countRequests(restarted);
        restarted.client().connect(token);
        expectRequestTimeout(restarted);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isEqualTo(requests.get());
        assertThat(server.dropCounters().get(DropReason.TOKEN_EXPIRED)).isZero();
        assertThat(server.dropCounters().get(DropReason.TOKEN_PREDATES_START)).isZero();

        // a restart of this server keeps it refused (the history carries over) ...
        server.stop();
        server.start(1);
        long refusedBefore = server.dropCounters().get(DropReason.TOKEN_ALREADY_USED);
        restarted.client().connect(token); // its refused requests used no nonce: it may try the token again
        expectRequestTimeout(restarted);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isGreaterThan(refusedBefore);
        // ... while a fresh one passes the restart rule however long ago it was minted (such tokens defeat
        // the rule: development only)
        ConnectToken fresh = h.token(1, -1, ProtocolHarness.TIMEOUT, ADDRESS);
        h.advanceUnixTime(1_000_000L);
        connect(restarted, fresh);
        assertThat(server.slot(0).clientId()).isEqualTo(1L);
        assertThat(server.dropCounters().get(DropReason.TOKEN_PREDATES_START)).isZero();
    }

    /** As on the server: a handler whose deadline throws must not end the client's thread, which reads it after every update. */
    @Test
    void clientHandlerWhoseNextUpdateTimeThrowsIsLeftOut() {
        ClientEventHandler handler = new ClientEventHandler() {
            @Override
            public double nextUpdateTime() {
                throw new IllegalStateException("boom on nextUpdateTime");
            }
        };
        ClientStateMachine machine = new ClientStateMachine(h.network.endpoint(NetcodeAddress.parse("127.0.0.1:50999")),
                handler, h.time());
        assertThat(machine.nextUpdateTime()).as("before connecting").isEqualTo(Double.POSITIVE_INFINITY);
        machine.connect(h.token(1, ADDRESS));
        machine.update(h.time());
        assertThat(machine.nextUpdateTime()).as("connecting: its own next request").isGreaterThan(h.time())
                .isLessThanOrEqualTo(h.time() + NetcodeProtocol.PACKET_SEND_INTERVAL);
        machine.close();
    }

    /** What a real-time loop may sleep until on the client side: the next packet, timeout or token expiry. */
    @Test
    void clientNextUpdateTimeFollowsItsTimers() {
        h.server(ADDRESS).server().start(4);
        RecordingClient client = h.client();
        ClientStateMachine machine = client.client();
        assertThat(machine.nextUpdateTime()).as("before connecting").isEqualTo(Double.POSITIVE_INFINITY);

        connect(client, h.token(1, ADDRESS));
        assertThat(machine.nextUpdateTime()).as("connected: the next keep-alive").isGreaterThan(h.time())
                .isLessThanOrEqualTo(h.time() + NetcodeProtocol.PACKET_SEND_INTERVAL);

        // While requests go unanswered, the token's expiry (2 s after minting) is what ends the
        // attempt: the next update is never due later than that.
        h.network.setPacketLossPercent(100);
        RecordingClient late = h.client();
        late.client().connect(h.token(2, 2, 15, ADDRESS));
        double connectingSince = h.time();
        while (late.state().isActive()) {
            assertThat(late.client().nextUpdateTime()).isLessThanOrEqualTo(connectingSince + 2.0 + 1e-9);
            h.tick();
        }
        assertThat(late.state()).isEqualTo(ClientState.CONNECT_TOKEN_EXPIRED);
        assertThat(late.client().nextUpdateTime()).isEqualTo(Double.POSITIVE_INFINITY);
        h.network.setPacketLossPercent(0);

        assertThat(client.state()).as("keep-alives lost for 2 s of a 15 s timeout").isEqualTo(ClientState.CONNECTED);
        machine.disconnect();
        assertThat(machine.nextUpdateTime()).as("after disconnecting").isEqualTo(Double.POSITIVE_INFINITY);
    }
}
