package dev.netcode.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.TestShards;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slot exhaustion and token theft/replay over real UDP on 127.0.0.1. The same rules are tested
 * state by state on the simulator in {@code ClientServerConnectionTest} (denial, a denied client
 * getting in once a slot frees) and {@code ClientServerLifecycleTest} (used token refused from the
 * same and from another address, pending token refused from another address, restart rule); these
 * tests show them holding on real sockets and threads.
 */
class UdpAbuseTest {

    private static final long PROTOCOL_ID = 0x4162757365L;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");

    private final byte[] key = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
    private final List<Long> connected = new CopyOnWriteArrayList<>();
    private final List<TrackedClient> clients = new ArrayList<>();
    private NetcodeServer server;

    private void startServer(int slots) {
        server = NetcodeServer.start(TestShards.config(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onClientConnected(ClientSlot slot) {
                connected.add(slot.clientId());
            }
        }).build(), LOCALHOST, slots);
    }

    private TrackedClient client() {
        TrackedClient client = new TrackedClient();
        clients.add(client);
        return client;
    }

    private ConnectToken token(long clientId, int timeoutSeconds) {
        return tokens.generate(clientId, List.of(server.localAddress()), 30, timeoutSeconds, null);
    }

    /** The outcome of the client's last connect: connected, or how it ended. */
    private static ClientState settle(TrackedClient client) throws InterruptedException {
        return client.awaitOutcome(10_000);
    }

    @AfterEach
    void stopAll() {
        clients.forEach(TrackedClient::close);
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void moreValidTokensThanSlotsDeniesTheExtraClientsAndTheyGetInWhenSlotsFree() throws Exception {
        startServer(4);
        List<TrackedClient> crowd = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TrackedClient client = client();
            client.connect(token(i + 1, 5).toBytes());
            crowd.add(client);
        }
        List<TrackedClient> in = new ArrayList<>();
        List<Integer> denied = new ArrayList<>();
        for (int i = 0; i < crowd.size(); i++) {
            ClientState state = settle(crowd.get(i));
            // nobody is left half-way: each client is in, or was told no
            assertThat(state).isIn(ClientState.CONNECTED, ClientState.CONNECTION_DENIED);
            if (state == ClientState.CONNECTED) {
                in.add(crowd.get(i));
            }
            else {
                denied.add(i);
            }
        }
        assertThat(in).hasSize(4);
        assertThat(denied).hasSize(2);
        assertThat(server.statistics().connectionsDenied()).isGreaterThanOrEqualTo(2);
        assertThat(server.connectedClientCount()).isEqualTo(4);

        // Two leave; the denied two get in with fresh tokens. (Denied after answering a challenge, under
        // the token's key, their clients would refuse the old tokens; see ClientNonceReuseTest.)
        in.get(0).client.disconnect();
        in.get(1).client.disconnect();
        for (TrackedClient leaver : in.subList(0, 2)) {
            assertThat(leaver.client.awaitState(s -> s == ClientState.DISCONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.connectedClientCount() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (int index : denied) {
            crowd.get(index).connect(token(index + 1, 5).toBytes());
        }
        for (int index : denied) {
            assertThat(settle(crowd.get(index))).isEqualTo(ClientState.CONNECTED);
        }
        assertThat(server.connectedClientCount()).isEqualTo(4);

        // Full again: a seventh is denied, promptly.
        TrackedClient late = client();
        late.connect(token(7, 5).toBytes());
        assertThat(settle(late)).isEqualTo(ClientState.CONNECTION_DENIED);
    }

    @Test
    void stolenOrReplayedTokenNeverOpensASecondSession() throws Exception {
        startServer(8);
        ConnectToken token = token(42, 2);
        TrackedClient owner = client();
        owner.connect(token.toBytes());
        assertThat(settle(owner)).isEqualTo(ClientState.CONNECTED);

        // Presented from a second address while the owner plays: refused (its client id is in a slot).
        TrackedClient thief = client();
        Map<DropReason, Long> before = server.statistics().drops().snapshot();
        thief.connect(token.toBytes());
        assertThat(settle(thief)).isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(grew(before, DropReason.CLIENT_ID_ALREADY_CONNECTED)).isPositive();
        assertThat(owner.state()).isEqualTo(ClientState.CONNECTED);

        // After the owner left: the consumed token opens nothing. The server refuses it from the thief;
        // the owner's own client refuses it at once (it used the token), sending nothing.
        owner.client.disconnect();
        assertThat(owner.client.awaitState(s -> s == ClientState.DISCONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.connectedClientCount() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        before = server.statistics().drops().snapshot();
        thief.connect(token.toBytes());
        owner.connect(token.toBytes());
        assertThat(settle(thief)).isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(settle(owner)).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        assertThat(grew(before, DropReason.TOKEN_ALREADY_USED)).isGreaterThanOrEqualTo(2);
        assertThat(connected).containsExactly(42L);
        assertThat(server.connectedClientCount()).isZero();

        // A new token for the same player works at once.
        owner.connect(token(42, 2).toBytes());
        assertThat(settle(owner)).isEqualTo(ClientState.CONNECTED);
    }

    private long grew(Map<DropReason, Long> before, DropReason reason) {
        return server.statistics().drops().get(reason) - before.getOrDefault(reason, 0L);
    }
}
