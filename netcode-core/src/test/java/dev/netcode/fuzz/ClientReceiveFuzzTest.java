package dev.netcode.fuzz;

import static dev.netcode.fuzz.FuzzFixtures.PACKET_KEY;
import static dev.netcode.fuzz.FuzzFixtures.PROTOCOL_ID;
import static dev.netcode.fuzz.FuzzFixtures.SERVER;
import static dev.netcode.fuzz.FuzzFixtures.SERVER_V6;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.fuzz.FuzzFixtures.CapturingTransport;
import dev.netcode.fuzz.FuzzFixtures.Datagram;
import dev.netcode.packet.DropCounters;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.packet.ReplayProtection;

/**
 * Fuzzes the client's receive path, {@link ClientStateMachine#onDatagram}, in each connecting or
 * connected state, with arbitrary datagrams from the server it talks to, from the token's other
 * server, from a stranger and from its own address, interleaved with clock ticks.
 *
 * <p>Per input a fresh client connects with a token listing {@code 127.0.0.1:40000} then
 * {@code [::1]:40000}, whose keys are the vectors' packet key, so every packet vector is a genuine
 * packet from its server; it is then brought to the state the config byte asks for with a genuine
 * challenge and keep-alive.
 *
 * <p>Input: a config byte (value mod 3: sending connection requests, sending responses, or
 * connected), then up to 16 framed datagrams ({@link FuzzFixtures#datagrams}). A datagram's header
 * byte picks the source, bits 0-1: 127.0.0.1:40000, [::1]:40000, a stranger, the client's own
 * address; bit 2 delivers it inside a larger buffer at an offset; bit 3 first advances the clock
 * (by {@code bits 4-7} seconds, or a quarter second when they are 0) and updates the client, so the
 * 15 s timeouts and the token's 30 s lifetime are within reach of one input.
 *
 * <p>The client is checked against a model of the protocol's client state machine that reads
 * every datagram with an independent reader (the same key and its own replay window): after each
 * datagram nothing threw or was dropped as an internal error, the client is in the state the model
 * predicts (never outside 1..3 until an update applies a genuine "denied" or "disconnect"), a
 * datagram is dropped (counted once, with the model's reason) exactly when the model refuses it,
 * payloads are delivered byte for byte, and every packet the client sends is what its state calls
 * for (a response echoes the challenge it accepted) and goes to its current server.
 */
class ClientReceiveFuzzTest {

    static final NetcodeAddress CLIENT = NetcodeAddress.parse("198.51.100.7:50007");
    static final NetcodeAddress STRANGER = NetcodeAddress.parse("203.0.113.9:40000");
    static final NetcodeAddress[] SOURCES = {SERVER, SERVER_V6, STRANGER, CLIENT};
    static final NetcodeAddress[] TOKEN_SERVERS = {SERVER, SERVER_V6};
    static final byte[] TOKEN = FuzzFixtures.token(0xC, TOKEN_SERVERS).toBytes();

    static final long CHALLENGE_SEQUENCE = 7;
    static final byte[] CHALLENGE_TOKEN = FuzzFixtures.range(0x10, NetcodeProtocol.CHALLENGE_TOKEN_BYTES);
    static final byte[] CHALLENGE;
    static final byte[] KEEP_ALIVE;

    private static final PacketCodec ORACLE = new PacketCodec(PROTOCOL_ID);
    private static final Packet ORACLE_PACKET = new Packet();

    static {
        byte[] out = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
        int n = ORACLE.writeChallenge(out, NetcodeProtocol.GLOBAL_SEQUENCE_SEED, CHALLENGE_SEQUENCE, CHALLENGE_TOKEN, 0,
                PACKET_KEY);
        CHALLENGE = Arrays.copyOf(out, n);
        n = ORACLE.writeKeepAlive(out, 0, 1, 2, PACKET_KEY);
        KEEP_ALIVE = Arrays.copyOf(out, n);
    }

    static final class Events implements ClientEventHandler {
        final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void onPayload(byte[] buf, int offset, int length, long sequence) {
            payloads.add(Arrays.copyOfRange(buf, offset, offset + length));
        }
    }

    @FuzzTest
    void clientReceive(byte[] data) {
        int target = data.length > 0 ? (data[0] & 0xFF) % 3 + 1 : 1;
        CapturingTransport transport = new CapturingTransport(CLIENT);
        Events events = new Events();
        try (ClientStateMachine client = new ClientStateMachine(transport, events, 0.0)) {
            Model model = new Model(client, transport, events);
            client.connect(TOKEN.clone());
            assertThat(client.state()).isEqualTo(ClientState.SENDING_CONNECTION_REQUEST);
            if (target >= 2) {
                model.receive(SERVER, CHALLENGE, false);
                assertThat(client.state()).isEqualTo(ClientState.SENDING_CONNECTION_RESPONSE);
            }
            if (target >= 3) {
                model.receive(SERVER, KEEP_ALIVE, false);
                assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            }
            assertThat(client.dropCounters().total()).isZero();
            for (Datagram datagram : FuzzFixtures.datagrams(data, 1)) {
                if ((datagram.header() & 8) != 0) {
                    int seconds = datagram.header() >>> 4;
                    model.update(seconds == 0 ? 0.25 : seconds);
                }
                model.receive(SOURCES[datagram.header() & 3], datagram.bytes(), (datagram.header() & 4) != 0);
            }
            model.update(0.25);
        }
    }

    /** The reference client's receive and update rules, run beside the real client. */
    private static final class Model {
        private final ClientStateMachine client;
        private final CapturingTransport transport;
        private final Events events;
        private final ReplayProtection window = new ReplayProtection();

        private ClientState state = ClientState.SENDING_CONNECTION_REQUEST;
        private int serverIndex;
        private ClientState pending;
        private long challengeSequence;
        private byte[] challengeToken;
        private double time;
        private double connectStart;
        private double lastReceive;

        Model(ClientStateMachine client, CapturingTransport transport, Events events) {
            this.client = client;
            this.transport = transport;
            this.events = events;
        }

        NetcodeAddress server() {
            return state.isActive() ? TOKEN_SERVERS[serverIndex] : null;
        }

        void receive(NetcodeAddress from, byte[] bytes, boolean atOffset) {
            DropCounters drops = client.dropCounters();
            long dropsBefore = drops.total();
            int payloadsBefore = events.payloads.size();
            int sentBefore = transport.sent.size();

            DropReason reason = null;
            byte[] payload = null;
            ClientState next = state;
            if (!state.isActive()) {
                reason = DropReason.UNEXPECTED;
            }
            else if (bytes.length <= 1) {
                reason = DropReason.BAD_LENGTH;
            }
            else if (bytes[0] == 0) {
                reason = DropReason.BAD_TYPE;
            }
            else {
                byte[] copy = bytes.clone();
                if (!ORACLE.readEncrypted(copy, copy.length, PACKET_KEY, PacketType.CLIENT_ALLOWED, window,
                        ORACLE_PACKET)) {
                    reason = ORACLE_PACKET.dropReason();
                }
                else if (!from.equals(server())) {
                    reason = DropReason.WRONG_SOURCE;
                }
                else {
                    switch (ORACLE_PACKET.type()) {
                        case CONNECTION_DENIED -> {
                            if (state == ClientState.CONNECTED) {
                                reason = DropReason.UNEXPECTED;
                            }
                            else {
                                pending = ClientState.CONNECTION_DENIED;
                            }
                        }
                        case CONNECTION_CHALLENGE -> {
                            if (state == ClientState.SENDING_CONNECTION_REQUEST) {
                                next = ClientState.SENDING_CONNECTION_RESPONSE;
                                challengeSequence = ORACLE_PACKET.challengeSequence();
                                int offset = ORACLE_PACKET.challengeTokenOffset();
                                challengeToken = Arrays.copyOfRange(copy, offset,
                                        offset + NetcodeProtocol.CHALLENGE_TOKEN_BYTES);
                            }
                            else {
                                reason = DropReason.UNEXPECTED;
                            }
                        }
                        case KEEP_ALIVE -> {
                            if (state == ClientState.SENDING_CONNECTION_RESPONSE) {
                                next = ClientState.CONNECTED;
                                // Admitted: a "denied" that answered an earlier request no longer counts.
                                pending = null;
                            }
                            else if (state != ClientState.CONNECTED) {
                                reason = DropReason.UNEXPECTED;
                            }
                        }
                        case PAYLOAD -> {
                            if (state == ClientState.CONNECTED) {
                                payload = Arrays.copyOfRange(copy, ORACLE_PACKET.bodyOffset(),
                                        ORACLE_PACKET.bodyOffset() + ORACLE_PACKET.bodyLength());
                            }
                            else {
                                reason = DropReason.UNEXPECTED;
                            }
                        }
                        case DISCONNECT -> {
                            if (state == ClientState.CONNECTED) {
                                pending = ClientState.DISCONNECTED;
                            }
                            else {
                                reason = DropReason.UNEXPECTED;
                            }
                        }
                        default -> throw new AssertionError("reader accepted " + ORACLE_PACKET.type());
                    }
                }
            }

            long reasonBefore = reason == null ? 0 : drops.get(reason);
            FuzzFixtures.deliver(client, from, bytes, atOffset);

            assertThat(drops.get(DropReason.INTERNAL_ERROR)).as("internal error; see the log").isZero();
            assertThat(transport.sent).as("the client answered a datagram").hasSize(sentBefore);
            if (reason != null) {
                assertThat(drops.total() - dropsBefore).as("one drop, for %s", reason).isEqualTo(1);
                assertThat(drops.get(reason) - reasonBefore).as("drop reason %s, counted %s", reason, drops)
                        .isEqualTo(1);
            }
            else {
                assertThat(drops.total()).as("a genuine %s from the server was dropped: %s", ORACLE_PACKET.type(),
                        drops).isEqualTo(dropsBefore);
            }
            if (next == ClientState.CONNECTED && state != ClientState.CONNECTED) {
                assertThat(client.clientIndex()).isEqualTo(ORACLE_PACKET.clientIndex());
                assertThat(client.maxClients()).isEqualTo(ORACLE_PACKET.maxClients());
            }
            if (reason == null) {
                lastReceive = time;
            }
            state = next;
            assertThat(client.state()).isEqualTo(state);
            assertThat(client.serverAddress()).isEqualTo(server());
            if (payload != null) {
                assertThat(events.payloads).hasSize(payloadsBefore + 1);
                assertThat(events.payloads.get(payloadsBefore)).isEqualTo(payload);
            }
            else {
                assertThat(events.payloads).hasSize(payloadsBefore);
            }
        }

        void update(double seconds) {
            NetcodeAddress serverBefore = server();
            ClientState stateBefore = state;
            int sentBefore = transport.sent.size();
            time += seconds;
            client.update(time);

            // Sends happen first, for the state the client was in.
            for (int i = sentBefore; i < transport.sent.size(); i++) {
                CapturingTransport.Sent sent = transport.sent.get(i);
                assertThat(sent.to()).isEqualTo(serverBefore);
                checkSent(stateBefore, sent.bytes());
            }
            if (stateBefore.isActive()) {
                assertThat(transport.sent.size() - sentBefore).as("packets sent per update").isEqualTo(1);
            }
            // Then, in this order: the token's lifetime for one attempt, a pending denied or
            // disconnect, and the timeout; while connecting, each moves on to the token's next server
            // where one is left (a connected session never does: the next server would reuse nonces).
            boolean connecting = state == ClientState.SENDING_CONNECTION_REQUEST
                    || state == ClientState.SENDING_CONNECTION_RESPONSE;
            if (connecting && FuzzFixtures.TOKEN_EXPIRY <= time - connectStart) {
                stop(ClientState.CONNECT_TOKEN_EXPIRED);
            }
            else if (pending != null) {
                ClientState target = pending;
                if (state == ClientState.CONNECTED || !nextServer()) {
                    stop(target);
                }
            }
            else if (state.isActive() && lastReceive + FuzzFixtures.TIMEOUT < time) {
                switch (state) {
                    case SENDING_CONNECTION_REQUEST -> {
                        if (!nextServer()) {
                            stop(ClientState.CONNECTION_REQUEST_TIMED_OUT);
                        }
                    }
                    case SENDING_CONNECTION_RESPONSE -> {
                        if (!nextServer()) {
                            stop(ClientState.CONNECTION_RESPONSE_TIMED_OUT);
                        }
                    }
                    default -> stop(ClientState.CONNECTION_TIMED_OUT);
                }
            }
            assertThat(client.state()).isEqualTo(state);
            assertThat(client.serverAddress()).isEqualTo(server());
        }

        private boolean nextServer() {
            if (serverIndex + 1 >= TOKEN_SERVERS.length) {
                return false;
            }
            serverIndex++;
            state = ClientState.SENDING_CONNECTION_REQUEST;
            restart();
            return true;
        }

        private void stop(ClientState target) {
            state = target;
            restart();
        }

        /** What the client resets before each attempt (and when it stops). */
        private void restart() {
            pending = null;
            window.reset();
            challengeToken = null;
            connectStart = time;
            lastReceive = time;
        }

        private void checkSent(ClientState sender, byte[] bytes) {
            switch (sender) {
                case SENDING_CONNECTION_REQUEST -> {
                    assertThat(bytes).hasSize(NetcodeProtocol.CONNECTION_REQUEST_BYTES);
                    assertThat(bytes[0]).isZero();
                }
                case SENDING_CONNECTION_RESPONSE -> {
                    Packet packet = readSent(bytes);
                    assertThat(packet.type()).isEqualTo(PacketType.CONNECTION_RESPONSE);
                    assertThat(packet.challengeSequence()).isEqualTo(challengeSequence);
                    int offset = packet.challengeTokenOffset();
                    assertThat(Arrays.copyOfRange(bytes, offset, offset + NetcodeProtocol.CHALLENGE_TOKEN_BYTES))
                            .as("the response does not echo the accepted challenge token").isEqualTo(challengeToken);
                }
                case CONNECTED -> assertThat(readSent(bytes).type()).isEqualTo(PacketType.KEEP_ALIVE);
                default -> throw new AssertionError("a client in state " + sender + " sent a packet");
            }
        }

        private static Packet readSent(byte[] bytes) {
            Packet packet = new Packet();
            assertThat(ORACLE.readEncrypted(bytes, bytes.length, PACKET_KEY, PacketType.SERVER_ALLOWED, null, packet))
                    .as("the client sent a packet its server cannot read").isTrue();
            return packet;
        }
    }
}
