package dev.netcode.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;
import dev.netcode.testing.ProtocolHarness.RecordingServer;
import dev.netcode.token.ConnectToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference suite's client/server integration tests (netcode.c, digest §15 items 25 and 29-37,
 * plus the 1.4.5 retransmission test and two suggested additions), on the simulated network in
 * simulated time. Method names are the C function names.
 */
class ClientServerConnectionTest {

    private static final long SEED = 0x5EED_0025L;
    private static final String SERVER = "[::1]:40000";
    private static final int MIN_PAYLOADS = 10;

    // ---- 25 -------------------------------------------------------------------------------------

    @Test
    void test_client_server_connect() {
        ProtocolHarness h = ProtocolHarness.lossy(SEED);
        RecordingServer rs = h.server(SERVER);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient rc = h.client("[::1]:50000");
        long clientId = 0x1234_5678_9ABCL;
        rc.client().connect(h.token(clientId, SERVER).toBytes());

        assertThat(h.tickUntil(() -> rc.state() == ClientState.CONNECTED && server.connectedClientCount() == 1, 300))
                .as("connects over the lossy network").isTrue();
        assertThat(rc.client().clientIndex()).isZero();
        assertThat(rc.client().maxClients()).isEqualTo(1);
        assertThat(rc.client().serverAddress()).isEqualTo(NetcodeAddress.parse(SERVER));
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.slot(0).clientId()).isEqualTo(clientId);
        assertThat(server.slot(0).address()).isEqualTo(NetcodeAddress.parse("[::1]:50000"));
        assertThat(rs.events().connected).containsExactly(clientId);

        exchangePayloads(h, server, List.of(rc), new long[] { clientId }, rs.events().payloads);

        server.disconnectClient(0);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(server.disconnectReason(0)).isEqualTo(DisconnectReason.SERVER_DISCONNECT);
        assertThat(h.tickUntil(() -> !rc.state().isActive(), 50)).isTrue();
        assertThat(rc.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(rc.events().states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                ClientState.SENDING_CONNECTION_RESPONSE, ClientState.CONNECTED, ClientState.DISCONNECTED);
    }

    // ---- 29 -------------------------------------------------------------------------------------

    @Test
    void test_client_server_keep_alive() {
        ProtocolHarness h = ProtocolHarness.lossy(SEED + 29);
        RecordingServer rs = h.server(SERVER);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient rc = h.client();
        rc.client().connect(h.token(29, SERVER).toBytes());
        assertThat(h.tickUntil(() -> rc.state() == ClientState.CONNECTED && server.connectedClientCount() == 1, 300))
                .isTrue();

        double connectedAt = h.time();
        int idleTicks = (int) Math.ceil(1.25 * ProtocolHarness.TIMEOUT / ProtocolHarness.TICK);
        for (int i = 0; i < idleTicks; i++) {
            h.tick();
        }
        assertThat(h.time() - connectedAt).isGreaterThanOrEqualTo(1.25 * ProtocolHarness.TIMEOUT - 1e-6);
        assertThat(rc.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(rc.events().states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                ClientState.SENDING_CONNECTION_RESPONSE, ClientState.CONNECTED);
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).clientId()).isEqualTo(29);
        assertThat(server.slot(0).isConfirmed()).isTrue();
        assertThat(rs.events().disconnected).isEmpty();
        // Keep-alives kept the slot fresh: the last one arrived well inside the timeout.
        assertThat(h.time() - server.slot(0).lastReceiveTime()).isLessThan(ProtocolHarness.TIMEOUT / 2.0);
    }

    // ---- 30 -------------------------------------------------------------------------------------

    @Test
    void test_client_server_multiple_clients() {
        ProtocolHarness h = ProtocolHarness.lossy(SEED + 30);
        SlotRecorder recorder = new SlotRecorder();
        ServerStateMachine server = h.server(SERVER, b -> b.eventHandler(recorder)).server();
        int[] runs = { 2, 32, 5 };
        long nextId = 1000;
        for (int run = 0; run < runs.length; run++) {
            int n = runs[run];
            recorder.clear();
            server.start(n);
            assertThat(server.maxClients()).isEqualTo(n);
            assertThat(server.connectedClientCount()).isZero();
            List<RecordingClient> clients = new ArrayList<>();
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = nextId++;
                RecordingClient rc = h.client();
                rc.client().connect(h.token(ids[i], SERVER).toBytes());
                clients.add(rc);
            }
            assertThat(h.tickUntil(() -> server.connectedClientCount() == n
                    && clients.stream().allMatch(c -> c.state() == ClientState.CONNECTED), 400))
                    .as("run %d: all %d clients connect", run, n).isTrue();

            Set<Integer> indices = new HashSet<>();
            for (int i = 0; i < n; i++) {
                RecordingClient rc = clients.get(i);
                int index = rc.client().clientIndex();
                indices.add(index);
                assertThat(rc.client().maxClients()).isEqualTo(n);
                assertThat(server.slot(index).clientId()).as("slot %d", index).isEqualTo(ids[i]);
                assertThat(server.slot(index).address()).isEqualTo(rc.client().localAddress());
            }
            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < n; i++) {
                expected.add(i);
            }
            assertThat(indices).isEqualTo(expected);
            assertThat(recorder.connectedSlots).containsExactlyInAnyOrderElementsOf(expected);

            exchangePayloads(h, server, clients, ids, recorder.raw);
            // Every payload the server delivered came from the client that holds that slot.
            assertThat(recorder.payloads).isNotEmpty();
            for (SlotPayload p : recorder.payloads) {
                assertThat(Bytes.readU64(p.data(), 0)).isEqualTo(p.clientId());
                assertThat(p.data()).isEqualTo(payload(p.clientId(), Bytes.readU32(p.data(), 8)));
                assertThat(server.slot(p.slot()).clientId()).isEqualTo(p.clientId());
            }
            for (long id : ids) {
                assertThat(recorder.payloads.stream().filter(p -> p.clientId() == id).count())
                        .as("payloads from client %d", id).isGreaterThanOrEqualTo(MIN_PAYLOADS);
            }

            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThat(server.connectedClientCount()).isZero();
            assertThat(recorder.disconnected).hasSize(n).containsOnly(DisconnectReason.SERVER_DISCONNECT);
            // The stop sent disconnect packets: every client of this run ends cleanly disconnected.
            assertThat(h.tickUntil(() -> clients.stream().allMatch(c -> c.state() == ClientState.DISCONNECTED), 50))
                    .isTrue();
        }
    }

    // ---- 31 -------------------------------------------------------------------------------------

    @Test
    void test_client_server_multiple_servers() {
        ProtocolHarness h = ProtocolHarness.lossy(SEED + 31);
        RecordingServer rs = h.server(SERVER);
        ServerStateMachine server = rs.server();
        server.start(1);
        NetcodeAddress first = NetcodeAddress.parse("10.10.10.10:1000");
        NetcodeAddress second = NetcodeAddress.parse("100.100.100.100:50000");
        Map<NetcodeAddress, Integer> requestsTo = new HashMap<>();
        h.network.setFilter((from, to, buf, off, len) -> {
            if (buf[off] == 0) {
                requestsTo.merge(to, 1, Integer::sum);
            }
            return true;
        });
        RecordingClient rc = h.client();
        rc.client().connect(h.token(31, "10.10.10.10:1000", "100.100.100.100:50000", SERVER).toBytes());
        h.tick();
        assertThat(rc.client().serverAddress()).isEqualTo(first);

        assertThat(h.tickUntil(() -> rc.state() == ClientState.CONNECTED, 450)).isTrue();
        assertThat(rc.client().serverAddress()).isEqualTo(NetcodeAddress.parse(SERVER));
        // Each unanswered server is given up only after the 15 s timeout.
        assertThat(h.time()).isGreaterThan(2.0 * ProtocolHarness.TIMEOUT);
        assertThat(requestsTo.get(first)).isGreaterThan(10);
        assertThat(requestsTo.get(second)).isGreaterThan(10);
        assertThat(requestsTo.get(NetcodeAddress.parse(SERVER))).isPositive();
        assertThat(rc.events().states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                ClientState.SENDING_CONNECTION_RESPONSE, ClientState.CONNECTED);
        assertThat(rc.client().clientIndex()).isZero();
        assertThat(server.slot(0).clientId()).isEqualTo(31);

        exchangePayloads(h, server, List.of(rc), new long[] { 31 }, rs.events().payloads);
    }

    // ---- 32 -------------------------------------------------------------------------------------

    @Test
    void test_client_error_connect_token_expired() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        server.start(1);
        RecordingClient rc = h.client();
        rc.client().connect(h.token(32, 0, ProtocolHarness.TIMEOUT, SERVER).toBytes());
        assertThat(rc.state()).isEqualTo(ClientState.SENDING_CONNECTION_REQUEST);
        h.tick();
        assertThat(rc.state()).isEqualTo(ClientState.CONNECT_TOKEN_EXPIRED);
        assertThat(rc.state().code()).isEqualTo(-6);
        // The one request that went out was refused by the server's wall clock as well.
        assertThat(server.dropCounters().get(DropReason.TOKEN_EXPIRED)).isEqualTo(1);
        assertThat(server.connectedClientCount()).isZero();
    }

    // ---- 33 -------------------------------------------------------------------------------------

    @Test
    void test_client_error_invalid_connect_token() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        server.start(1);
        RecordingClient rc = h.client();
        rc.client().connect(SecureRandomBytes.bytes(NetcodeProtocol.CONNECT_TOKEN_BYTES));
        assertThat(rc.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        assertThat(rc.state().code()).isEqualTo(-5);
        h.tick();
        h.tick();
        assertThat(rc.state()).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
        assertThat(h.network.sent()).as("nothing is sent for an invalid token").isZero();
        assertThat(rc.events().states).containsExactly(ClientState.INVALID_CONNECT_TOKEN);
    }

    // ---- 34 -------------------------------------------------------------------------------------

    @Test
    void test_client_error_connection_timed_out() {
        ProtocolHarness h = new ProtocolHarness();
        RecordingServer rs = h.server(SERVER);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient rc = h.client();
        rc.client().connect(h.token(34, SERVER).toBytes());
        assertThat(h.tickUntil(() -> rc.state() == ClientState.CONNECTED, 50)).isTrue();
        // Let the server hear from the client at least once, so it is confirmed.
        assertThat(h.tickUntil(() -> server.slot(0).isConfirmed(), 10)).isTrue();

        h.freeze(server);
        double frozenAt = h.time();
        assertThat(h.tickUntil(() -> rc.state() != ClientState.CONNECTED,
                (int) ((ProtocolHarness.TIMEOUT + 2) / ProtocolHarness.TICK))).isTrue();
        assertThat(rc.state()).isEqualTo(ClientState.CONNECTION_TIMED_OUT);
        assertThat(rc.state().code()).isEqualTo(-4);
        assertThat(h.time() - frozenAt).isGreaterThan(ProtocolHarness.TIMEOUT - ProtocolHarness.TICK);
        // The frozen server never ran its timeout check.
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(rs.events().disconnected).isEmpty();
    }

    // ---- 35 -------------------------------------------------------------------------------------

    @Test
    void test_client_error_connection_response_timeout() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        NetcodeAddress serverAddress = NetcodeAddress.parse(SERVER);
        server.start(1);
        h.network.setFilter((from, to, buf, off, len) -> !(to.equals(serverAddress) && (buf[off] & 0x0F) == 3));
        RecordingClient rc = h.client();
        rc.client().connect(h.token(35, SERVER).toBytes());

        assertThat(h.tickUntil(() -> rc.state().isError(),
                (int) ((ProtocolHarness.TIMEOUT + 3) / ProtocolHarness.TICK))).isTrue();
        assertThat(rc.state()).isEqualTo(ClientState.CONNECTION_RESPONSE_TIMED_OUT);
        assertThat(rc.state().code()).isEqualTo(-3);
        assertThat(rc.events().states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                ClientState.SENDING_CONNECTION_RESPONSE, ClientState.CONNECTION_RESPONSE_TIMED_OUT);
        assertThat(h.time()).isGreaterThan(ProtocolHarness.TIMEOUT);
        // The client kept answering the challenge (at most 10 Hz; with 0.1 s ticks and the reference's
        // strict "now > last_send + 0.1" about every other tick) until it gave up.
        assertThat(h.network.filtered()).as("responses dropped").isBetween(50L, 151L);
        assertThat(server.connectedClientCount()).isZero();
    }

    // ---- 36 -------------------------------------------------------------------------------------

    @Test
    void test_client_error_connection_request_timeout() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        NetcodeAddress serverAddress = NetcodeAddress.parse(SERVER);
        server.start(1);
        h.network.setFilter((from, to, buf, off, len) -> !(to.equals(serverAddress) && buf[off] == 0));
        RecordingClient rc = h.client();
        rc.client().connect(h.token(36, SERVER).toBytes());

        double dt = 1.0 / 60.0;
        int maxTicks = (int) ((ProtocolHarness.TIMEOUT + 3) / dt);
        for (int i = 0; i < maxTicks && !rc.state().isError(); i++) {
            h.tick(dt);
        }
        assertThat(rc.state()).isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(rc.state().code()).isEqualTo(-2);
        assertThat(rc.events().states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                ClientState.CONNECTION_REQUEST_TIMED_OUT);
        assertThat(h.time()).isGreaterThan(ProtocolHarness.TIMEOUT);
        // Requests go out at 10 Hz even though the client ticks at 60 Hz.
        assertThat(h.network.filtered()).isBetween(140L, 165L);
        assertThat(server.packetsReceived()).isZero();
        assertThat(server.connectedClientCount()).isZero();
    }

    // ---- 37 -------------------------------------------------------------------------------------

    @Test
    void test_client_error_connection_denied() {
        ProtocolHarness h = ProtocolHarness.lossy(SEED + 37);
        RecordingServer rs = h.server(SERVER);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient first = h.client();
        first.client().connect(h.token(371, SERVER).toBytes());
        assertThat(h.tickUntil(() -> first.state() == ClientState.CONNECTED && server.connectedClientCount() == 1,
                300)).isTrue();

        RecordingClient second = h.client();
        second.client().connect(h.token(372, SERVER).toBytes());
        assertThat(h.tickUntil(() -> second.state().isError(), 300)).isTrue();
        assertThat(second.state()).isEqualTo(ClientState.CONNECTION_DENIED);
        assertThat(second.state().code()).isEqualTo(-1);
        assertThat(server.connectionsDenied()).isPositive();

        // A little more time: the first client is unaffected, the count never changed.
        for (int i = 0; i < 20; i++) {
            h.tick();
            assertThat(server.connectedClientCount()).isEqualTo(1);
        }
        assertThat(first.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(first.client().clientIndex()).isZero();
        assertThat(server.slot(0).clientId()).isEqualTo(371);
        assertThat(rs.events().connected).containsExactly(371L);
        assertThat(second.state()).isEqualTo(ClientState.CONNECTION_DENIED);
    }

    // ---- 1.4.5 ---------------------------------------------------------------------------------

    @Test
    void test_client_server_connection_request_retransmission() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        NetcodeAddress serverAddress = NetcodeAddress.parse(SERVER);
        server.start(1);
        AtomicInteger serverSends = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        h.network.setFilter((from, to, buf, off, len) -> {
            if (from.equals(serverAddress)) {
                return serverSends.incrementAndGet() > 3;
            }
            if (to.equals(serverAddress) && buf[off] == 0) {
                requests.incrementAndGet();
            }
            return true;
        });
        RecordingClient rc = h.client();
        rc.client().connect(h.token(145, SERVER).toBytes());

        assertThat(h.tickUntil(() -> rc.state() == ClientState.CONNECTED, 100)).isTrue();
        assertThat(h.network.filtered()).isEqualTo(3);
        assertThat(requests.get()).as("requests for the one token").isGreaterThanOrEqualTo(4);
        // Every retransmission was admitted again (pending, same address) and got its own challenge.
        assertThat(server.globalSequence()).isEqualTo(NetcodeProtocol.GLOBAL_SEQUENCE_SEED + requests.get());
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isZero();
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).clientId()).isEqualTo(145);
        assertThat(server.tokenHistory().used()).isEqualTo(1);
    }

    // ---- suggested additions (digest §15) -------------------------------------------------------

    @Test
    void fallback_on_denial() {
        ProtocolHarness h = new ProtocolHarness();
        String fullAddress = "127.0.0.1:40001";
        String freeAddress = "127.0.0.1:40002";
        ServerStateMachine full = h.server(fullAddress).server();
        ServerStateMachine free = h.server(freeAddress).server();
        full.start(1);
        free.start(1);
        RecordingClient occupant = h.client();
        occupant.client().connect(h.token(1, fullAddress).toBytes());
        assertThat(h.tickUntil(() -> occupant.state() == ClientState.CONNECTED, 50)).isTrue();

        RecordingClient rc = h.client();
        rc.client().connect(h.token(2, fullAddress, freeAddress).toBytes());
        assertThat(h.tickUntil(() -> rc.state() == ClientState.CONNECTED, 50)).isTrue();
        assertThat(rc.client().serverAddress()).isEqualTo(NetcodeAddress.parse(freeAddress));
        assertThat(rc.client().clientIndex()).isZero();
        assertThat(full.connectionsDenied()).isPositive();
        assertThat(full.connectedClientCount()).isEqualTo(1);
        assertThat(full.slot(0).clientId()).isEqualTo(1);
        assertThat(free.connectedClientCount()).isEqualTo(1);
        assertThat(free.slot(0).clientId()).isEqualTo(2);
        assertThat(rc.events().states).doesNotContain(ClientState.CONNECTION_DENIED);
        // Fell back at once on the denial, not after a 15 s timeout.
        assertThat(h.time()).isLessThan(2.0);
        assertThat(occupant.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void denied_request_leaves_pending_token_that_connects_from_same_address_once_a_slot_frees() {
        ProtocolHarness h = new ProtocolHarness();
        RecordingServer rs = h.server(SERVER);
        ServerStateMachine server = rs.server();
        server.start(1);
        RecordingClient occupant = h.client();
        occupant.client().connect(h.token(1, SERVER).toBytes());
        assertThat(h.tickUntil(() -> occupant.state() == ClientState.CONNECTED, 50)).isTrue();

        ConnectToken token = h.token(2, SERVER);
        RecordingClient denied = h.client("127.0.0.1:51000");
        denied.client().connect(token);
        assertThat(h.tickUntil(() -> denied.state().isError(), 50)).isTrue();
        assertThat(denied.state()).isEqualTo(ClientState.CONNECTION_DENIED);
        assertThat(server.connectionsDenied()).isPositive();
        assertThat(server.tokenHistory().used()).isEqualTo(2);

        // The slot frees.
        server.disconnectClient(0);
        assertThat(h.tickUntil(() -> occupant.state() == ClientState.DISCONNECTED, 10)).isTrue();
        assertThat(server.connectedClientCount()).isZero();

        // The same token from another address is refused: its entry is pending for 127.0.0.1:51000.
        RecordingClient thief = h.client("127.0.0.1:52000");
        thief.client().connect(token);
        for (int i = 0; i < 10; i++) {
            h.tick();
        }
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isPositive();
        assertThat(server.connectedClientCount()).isZero();
        assertThat(thief.state()).isEqualTo(ClientState.SENDING_CONNECTION_REQUEST);
        thief.client().disconnect();

        // From the address it was denied at, the same token now connects.
        denied.client().connect(token);
        assertThat(h.tickUntil(() -> denied.state() == ClientState.CONNECTED, 50)).isTrue();
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).clientId()).isEqualTo(2);
        assertThat(server.slot(0).address()).isEqualTo(NetcodeAddress.parse("127.0.0.1:51000"));
        assertThat(rs.events().connected).containsExactly(1L, 2L);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A max-size payload identifying its client and its place in that client's stream. */
    static byte[] payload(long clientId, int counter) {
        byte[] p = new byte[NetcodeProtocol.MAX_PAYLOAD_BYTES];
        Bytes.writeU64(p, 0, clientId);
        Bytes.writeU32(p, 8, counter);
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i * 7 + counter);
        }
        return p;
    }

    /**
     * Each tick, every client sends a payload to the server and the server one to every client,
     * until each side of each pair has received at least {@link #MIN_PAYLOADS}. Checks that every
     * payload arrives byte for byte, from the right peer, and at most once (replay protection
     * against the network's duplicates). {@code serverPayloads}, if given, is checked the same way.
     */
    private static void exchangePayloads(ProtocolHarness h, ServerStateMachine server, List<RecordingClient> clients,
            long[] ids, List<byte[]> serverPayloads) {
        int[] sent = new int[clients.size()];
        int[] clientSeen = new int[clients.size()];
        int serverSeenBase = serverPayloads == null ? 0 : serverPayloads.size();
        for (RecordingClient rc : clients) {
            rc.events().payloads.clear();
        }
        boolean done = false;
        for (int tick = 0; tick < 1000 && !done; tick++) {
            for (int i = 0; i < clients.size(); i++) {
                RecordingClient rc = clients.get(i);
                rc.client().sendPayload(payload(ids[i], sent[i]));
                server.sendPayload(rc.client().clientIndex(), payload(ids[i], sent[i]));
                sent[i]++;
            }
            h.tick();
            done = true;
            for (int i = 0; i < clients.size(); i++) {
                clientSeen[i] = clients.get(i).events().payloads.size();
                done &= clientSeen[i] >= MIN_PAYLOADS;
            }
            if (serverPayloads != null) {
                Map<Long, Integer> perClient = new HashMap<>();
                for (byte[] p : serverPayloads.subList(serverSeenBase, serverPayloads.size())) {
                    perClient.merge(Bytes.readU64(p, 0), 1, Integer::sum);
                }
                for (long id : ids) {
                    done &= perClient.getOrDefault(id, 0) >= MIN_PAYLOADS;
                }
            }
        }
        for (int i = 0; i < clients.size(); i++) {
            List<byte[]> received = clients.get(i).events().payloads;
            assertThat(received.size()).as("payloads received by client %d", ids[i]).isGreaterThanOrEqualTo(MIN_PAYLOADS);
            Set<Integer> counters = new HashSet<>();
            for (byte[] p : received) {
                int counter = Bytes.readU32(p, 8);
                assertThat(p).isEqualTo(payload(ids[i], counter));
                assertThat(counter).isBetween(0, sent[i] - 1);
                assertThat(counters.add(counter)).as("payload %d delivered once", counter).isTrue();
            }
        }
        if (serverPayloads != null) {
            List<byte[]> received = serverPayloads.subList(serverSeenBase, serverPayloads.size());
            Set<String> seen = new HashSet<>();
            Set<Long> idSet = new HashSet<>();
            for (long id : ids) {
                idSet.add(id);
            }
            for (byte[] p : received) {
                long id = Bytes.readU64(p, 0);
                int counter = Bytes.readU32(p, 8);
                assertThat(idSet).contains(id);
                assertThat(p).isEqualTo(payload(id, counter));
                assertThat(seen.add(id + ":" + counter)).as("payload %d:%d delivered once", id, counter).isTrue();
            }
            for (long id : ids) {
                assertThat(received.stream().filter(p -> Bytes.readU64(p, 0) == id).count())
                        .as("payloads the server received from client %d", id).isGreaterThanOrEqualTo(MIN_PAYLOADS);
            }
        }
    }

    private record SlotPayload(int slot, long clientId, byte[] data) {
    }

    /** Records server events together with the slot they concern. */
    private static final class SlotRecorder implements ServerEventHandler {
        final List<Integer> connectedSlots = new ArrayList<>();
        final List<SlotPayload> payloads = new ArrayList<>();
        final List<byte[]> raw = new ArrayList<>();
        final List<DisconnectReason> disconnected = new ArrayList<>();

        @Override
        public void onClientConnected(ClientSlot slot) {
            connectedSlots.add(slot.index());
        }

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            byte[] data = Arrays.copyOfRange(buf, offset, offset + length);
            payloads.add(new SlotPayload(slot.index(), slot.clientId(), data));
            raw.add(data);
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            disconnected.add(reason);
        }

        void clear() {
            connectedSlots.clear();
            payloads.clear();
            raw.clear();
            disconnected.clear();
        }
    }
}
