package dev.netcode.client;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;
import dev.netcode.testing.ProtocolHarness.RecordingServer;
import dev.netcode.token.ConnectToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connect token's keys never encrypt two packets under one nonce because of the client: after a
 * connected session it does not fall back to the token's next server (whose sequences start where the
 * first server's did), and it refuses a token it already used (its own sequence would start at 0
 * again). On the perfect simulated network, in simulated time.
 */
class ClientNonceReuseTest {

    private static final String A = "127.0.0.1:40001";
    private static final String B = "127.0.0.1:40002";
    private static final int TICKS_PAST_EVERY_TIMEOUT = (int) (3 * ProtocolHarness.TIMEOUT / ProtocolHarness.TICK);

    private final ProtocolHarness h = new ProtocolHarness();

    private void connect(RecordingClient client, ConnectToken token) {
        client.client().connect(token);
        assertThat(h.tickUntil(() -> client.state() == ClientState.CONNECTED, 50)).isTrue();
        h.tick(); // the server hears a keep-alive: the slot is confirmed
    }

    private void tickPastEveryTimeout() {
        for (int i = 0; i < TICKS_PAST_EVERY_TIMEOUT; i++) {
            h.tick();
        }
    }

    // ---- no fallback after a connected session ---------------------------------------------------

    @Test
    void clientKickedByTheFirstServerNeverTriesTheTokensNextServer() {
        ServerStateMachine a = h.server(A).server();
        RecordingServer b = h.server(B);
        RecordingClient client = connectedToAWithBNext(a, b);

        a.disconnectClient(0);
        assertThat(h.tickUntil(() -> !client.state().isActive(), 10)).isTrue();

        assertEndedWithoutFallback(client, b, ClientState.DISCONNECTED);
    }

    @Test
    void clientWhoseConnectedSessionTimesOutNeverTriesTheTokensNextServer() {
        ServerStateMachine a = h.server(A).server();
        RecordingServer b = h.server(B);
        RecordingClient client = connectedToAWithBNext(a, b);

        h.freeze(a);
        assertThat(h.tickUntil(() -> !client.state().isActive(), TICKS_PAST_EVERY_TIMEOUT)).isTrue();

        assertEndedWithoutFallback(client, b, ClientState.CONNECTION_TIMED_OUT);
    }

    /** Starts servers {@code a} (at A) and {@code b} (at B) and connects a client with a token listing A, then B. */
    private RecordingClient connectedToAWithBNext(ServerStateMachine a, RecordingServer b) {
        a.start(1);
        b.server().start(1);
        RecordingClient client = h.client();
        connect(client, h.token(1, A, B));
        assertThat(client.client().serverAddress()).isEqualTo(NetcodeAddress.parse(A));
        return client;
    }

    /** Long after its session with A ended in {@code end}, the client has still not sent server B anything. */
    private void assertEndedWithoutFallback(RecordingClient client, RecordingServer b, ClientState end) {
        tickPastEveryTimeout();
        assertThat(client.state()).isEqualTo(end);
        assertThat(client.events().states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                ClientState.SENDING_CONNECTION_RESPONSE, ClientState.CONNECTED, end);
        assertThat(b.server().packetsReceived()).as("packets server B received").isZero();
        assertThat(b.events().connected).isEmpty();
    }

    // Fallback before a connection (denied, request or response timed out) is the reference's and is
    // tested by ClientServerConnectionTest: fallback_on_denial and test_client_server_multiple_servers.

    // ---- a used token is refused -------------------------------------------------------------------

    @Test
    void reconnectingWithTheTokenOfAnEndedSessionIsRefusedWithoutSendingAnything() {
        RecordingServer rs = h.server(A);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        byte[] token = h.token(1, A).toBytes();
        client.client().connect(token);
        assertThat(h.tickUntil(() -> client.state() == ClientState.CONNECTED, 50)).isTrue();
        client.client().disconnect();
        assertThat(h.tickUntil(() -> server.connectedClientCount() == 0, 10)).isTrue();
        h.tick();
        long sent = h.network.sent();
        long received = server.packetsReceived();

        client.client().connect(token);
        assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        for (int i = 0; i < 20; i++) {
            h.tick();
        }
        assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        assertThat(h.network.sent()).as("packets sent after the refusal").isEqualTo(sent);
        assertThat(server.packetsReceived()).isEqualTo(received);
        assertThat(rs.events().connected).containsExactly(1L);

        connect(client, h.token(1, A));
        assertThat(rs.events().connected).containsExactly(1L, 1L);
    }

    @Test
    void reconnectingWithTheTokenOfAKickedSessionIsRefused() {
        RecordingServer rs = h.server(A);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, A);
        connect(client, token);
        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> client.state() == ClientState.DISCONNECTED, 10)).isTrue();
        long sent = h.network.sent();

        client.client().connect(token);
        h.tick();
        assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        assertThat(h.network.sent()).isEqualTo(sent);
        assertThat(rs.events().disconnected).containsExactly(DisconnectReason.SERVER_DISCONNECT);
    }

    @Test
    void connectingAgainWithTheCurrentTokenEndsTheSessionAndIsRefused() {
        RecordingServer rs = h.server(A);
        rs.server().start(1);
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, A);
        connect(client, token);

        client.client().connect(token);
        assertThat(client.events().states).endsWith(ClientState.CONNECTED, ClientState.DISCONNECTED,
                ClientState.INVALID_CONNECT_TOKEN);
        assertThat(h.tickUntil(() -> rs.server().connectedClientCount() == 0, 10)).isTrue();
        assertThat(rs.events().connected).containsExactly(1L);
    }

    @Test
    void tokenWhoseRequestsWentUnansweredMayBeRetried() {
        RecordingServer rs = h.server(A);
        rs.server().start(1);
        NetcodeAddress server = NetcodeAddress.parse(A);
        AtomicBoolean serverReachable = new AtomicBoolean(false);
        h.network.setFilter((from, to, buf, offset, length) -> serverReachable.get() || !to.equals(server));
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, A);
        client.client().connect(token);
        assertThat(h.tickUntil(() -> !client.state().isActive(), TICKS_PAST_EVERY_TIMEOUT)).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);

        // Only unencrypted requests went out: a retry repeats no nonce under the token's keys.
        serverReachable.set(true);
        connect(client, token);
        assertThat(rs.events().connected).containsExactly(1L);
    }

    @Test
    void tokenWhoseAttemptEndedInDisconnectPacketsIsRefused() {
        RecordingServer rs = h.server(A);
        rs.server().start(1);
        NetcodeAddress server = NetcodeAddress.parse(A);
        h.network.setFilter((from, to, buf, offset, length) -> !to.equals(server));
        RecordingClient client = h.client();
        ConnectToken token = h.token(1, A);
        client.client().connect(token);
        h.tick();
        h.tick();
        assertThat(client.state()).isEqualTo(ClientState.SENDING_CONNECTION_REQUEST);

        // disconnect() sends disconnect packets under the client-to-server key, numbered after the
        // requests: a new attempt, starting at 0 again, would repeat those numbers.
        client.client().disconnect();
        h.network.setFilter(null);
        client.client().connect(token);
        assertThat(client.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        h.tick();
        assertThat(rs.server().packetsReceived()).isZero();
    }

    @Test
    void rememberedTokensAreTheLastSixtyFour() {
        UsedConnectTokens used = new UsedConnectTokens();
        byte[][] tags = new byte[UsedConnectTokens.CAPACITY + 1][];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = new byte[16];
            tags[i][0] = (byte) i;
            tags[i][15] = 0x55;
        }
        for (int i = 0; i < UsedConnectTokens.CAPACITY; i++) {
            used.add(tags[i]);
        }
        for (int i = 0; i < UsedConnectTokens.CAPACITY; i++) {
            assertThat(used.contains(tags[i])).as("tag %d", i).isTrue();
        }
        assertThat(used.contains(tags[UsedConnectTokens.CAPACITY])).isFalse();

        used.add(tags[UsedConnectTokens.CAPACITY]);
        assertThat(used.contains(tags[0])).as("the oldest tag is forgotten").isFalse();
        for (int i = 1; i <= UsedConnectTokens.CAPACITY; i++) {
            assertThat(used.contains(tags[i])).as("tag %d", i).isTrue();
        }
    }
}
