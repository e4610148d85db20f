package dev.netcode.fuzz;

import static dev.netcode.fuzz.FuzzFixtures.PACKET_KEY;
import static dev.netcode.fuzz.FuzzFixtures.PRIVATE_KEY;
import static dev.netcode.fuzz.FuzzFixtures.PROTOCOL_ID;
import static dev.netcode.fuzz.FuzzFixtures.SERVER;
import static dev.netcode.fuzz.FuzzFixtures.UNIX_NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.fuzz.FuzzFixtures.CapturingTransport;
import dev.netcode.fuzz.FuzzFixtures.Datagram;
import dev.netcode.packet.DropCounters;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.packet.ReplayProtection;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerAudit;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectToken;

/**
 * Fuzzes the server's whole receive path, {@link ServerStateMachine#onDatagram}, as the internet
 * sees it: arbitrary datagrams from arbitrary addresses, in sequence, against a started server
 * (the vectors' protocol id and private key, at the address the vectors' loopback token lists)
 * that has one real client connected and a second one half-way through its handshake.
 *
 * <p>Per input a fresh server is started on an in-memory transport, then client B sends its
 * connection request (so B's address has keys but no slot) and client A completes the handshake.
 * Both tokens carry the vectors' packet key in both directions, so every packet vector is a genuine
 * packet from A or B.
 *
 * <p>Input: a config byte (bit 0: two slots instead of one, so new requests get a challenge rather
 * than "denied"), then up to 16 framed datagrams ({@link FuzzFixtures#datagrams}). A datagram's
 * header byte picks the source, bits 0-1: a stranger over IPv4, the connected client A, the
 * mapped-but-unconnected B, a stranger over IPv6; bit 2 delivers it inside a larger buffer at an
 * offset; bit 3 first moves both clocks 2 s on and updates the server (keep-alives, timeouts), so
 * A's timeout (15 s without packets), B's pending keys expiring and the tokens expiring (30 s) are
 * all within reach of one input.
 *
 * <p>Checks after every datagram: nothing threw and nothing was dropped as an internal error; the
 * datagram was either counted as exactly one drop or had exactly one legitimate effect (a challenge
 * or denied sent, or a packet credited to A's slot), never both and never neither; no input ever
 * completes a handshake (it would need the server's secret challenge key); A stays connected in
 * slot 0 with its mapping unless it sent a genuine disconnect or stayed silent for its whole
 * timeout (then it is timed out, and its keys go with its slot); slots, the connected count and the
 * mapping table agree ({@link ServerAudit#slotAndMappingProblems}). For A's datagrams the outcome is also checked
 * against an independent reader with A's key and its own replay window: the same drop reason for
 * what it refuses, a slot credit (and the same payload bytes) for each keep-alive, payload or
 * disconnect it accepts.
 */
class ServerReceiveFuzzTest {

    static final NetcodeAddress STRANGER = NetcodeAddress.parse("203.0.113.9:40000");
    static final NetcodeAddress CLIENT_A = NetcodeAddress.parse("198.51.100.1:50000");
    static final NetcodeAddress CLIENT_B = NetcodeAddress.parse("198.51.100.2:50001");
    static final NetcodeAddress STRANGER_V6 = NetcodeAddress.parse("[2001:db8::9]:40000");
    static final NetcodeAddress[] SOURCES = {STRANGER, CLIENT_A, CLIENT_B, STRANGER_V6};

    private static final PacketCodec CLIENT_CODEC = new PacketCodec(PROTOCOL_ID);
    private static final PacketCodec ORACLE = new PacketCodec(PROTOCOL_ID);
    private static final Packet ORACLE_PACKET = new Packet();

    static final long CLIENT_ID_A = 0xA;
    static final long CLIENT_ID_B = 0xB;
    static final byte[] REQUEST_A = request(FuzzFixtures.token(CLIENT_ID_A, SERVER));
    static final byte[] REQUEST_B = request(FuzzFixtures.token(CLIENT_ID_B, SERVER));

    static byte[] request(ConnectToken token) {
        byte[] out = new byte[NetcodeProtocol.CONNECTION_REQUEST_BYTES];
        CLIENT_CODEC.writeConnectionRequest(out, token);
        return out;
    }

    /** Records what the server reports. */
    static final class Events implements ServerEventHandler {
        final List<DisconnectReason> disconnected = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        int connected;

        @Override
        public void onClientConnected(ClientSlot slot) {
            connected++;
        }

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            payloads.add(Arrays.copyOfRange(buf, offset, offset + length));
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            disconnected.add(reason);
        }
    }

    static final double TICK = 2.0;

    /** The server's two clocks, moved together: update time from 0, and Unix time from the vectors' "now". */
    static final class Clock {
        double time;

        long unix() {
            return UNIX_NOW + (long) time;
        }
    }

    @FuzzTest
    void serverReceive(byte[] data) {
        int config = data.length > 0 ? data[0] & 0xFF : 0;
        int maxClients = (config & 1) != 0 ? 2 : 1;
        Events events = new Events();
        Clock clock = new Clock();
        CapturingTransport transport = new CapturingTransport(SERVER);
        ServerConfig serverConfig = ServerConfig.builder(PROTOCOL_ID, PRIVATE_KEY.clone()).serverAddress(SERVER)
                .unixClock(clock::unix).eventHandler(events).build();
        try (ServerStateMachine server = new ServerStateMachine(serverConfig, transport, 0.0)) {
            server.start(maxClients);
            connectClients(server, transport);
            run(server, transport, events, clock, FuzzFixtures.datagrams(data, 1));
        }
    }

    /** B sends its request; A completes the handshake. */
    private static void connectClients(ServerStateMachine server, CapturingTransport transport) {
        server.onDatagram(CLIENT_B, REQUEST_B.clone(), 0, REQUEST_B.length);
        assertThat(transport.last().to()).isEqualTo(CLIENT_B);
        server.onDatagram(CLIENT_A, REQUEST_A.clone(), 0, REQUEST_A.length);
        byte[] challenge = transport.last().bytes().clone();
        assertThat(transport.last().to()).isEqualTo(CLIENT_A);
        Packet packet = new Packet();
        assertThat(CLIENT_CODEC.readEncrypted(challenge, challenge.length, PACKET_KEY, PacketType.CLIENT_ALLOWED, null,
                packet)).isTrue();
        assertThat(packet.type()).isEqualTo(PacketType.CONNECTION_CHALLENGE);
        byte[] response = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
        int length = CLIENT_CODEC.writeResponse(response, 1, packet.challengeSequence(), challenge,
                packet.challengeTokenOffset(), PACKET_KEY);
        server.onDatagram(CLIENT_A, response, 0, length);
        assertThat(server.isClientConnected(0)).isTrue();
        assertThat(server.slot(0).address()).isEqualTo(CLIENT_A);
        assertThat(server.dropCounters().total()).isZero();
    }

    private static void run(ServerStateMachine server, CapturingTransport transport, Events events, Clock clock,
            List<Datagram> datagrams) {
        DropCounters drops = server.dropCounters();
        ReplayProtection shadowWindow = new ReplayProtection();
        boolean aConnected = true;
        double aHeardAt = 0;
        for (Datagram datagram : datagrams) {
            if ((datagram.header() & 8) != 0) {
                clock.time += TICK;
                long dropsBefore = drops.total();
                server.update(clock.time);
                assertThat(drops.total()).as("an update with nothing to receive dropped something").isEqualTo(dropsBefore);
                boolean silentTooLong = aHeardAt + FuzzFixtures.TIMEOUT <= clock.time;
                if (aConnected) {
                    assertThat(server.isClientConnected(0)).as("A timed out after %s s of silence, or failed to",
                            clock.time - aHeardAt).isEqualTo(!silentTooLong);
                    if (silentTooLong) {
                        assertThat(events.disconnected).containsExactly(DisconnectReason.TIMED_OUT);
                        assertThat(ServerAudit.hasMapping(server, CLIENT_A)).as("A's keys outlived its slot")
                                .isFalse();
                        aConnected = false;
                    }
                }
            }
            NetcodeAddress from = SOURCES[datagram.header() & 3];
            byte[] bytes = datagram.bytes();
            long dropsBefore = drops.total();
            int sentBefore = transport.sent.size();
            ClientSlot slotA = server.slot(0);
            long creditedBefore = slotA.packetsReceived();
            int payloadsBefore = events.payloads.size();

            // What an independent reader with A's key and window makes of it, when A is connected and sent it.
            boolean oracle = aConnected && from.equals(CLIENT_A);
            boolean oracleAccepts = false;
            DropReason oracleReason = null;
            byte[] oracleBody = null;
            if (oracle) {
                byte[] copy = bytes.clone();
                if (bytes.length <= 1) {
                    oracleReason = DropReason.BAD_LENGTH;
                }
                else if (bytes[0] == 0) {
                    oracleAccepts = ORACLE.readConnectionRequest(copy, copy.length, PRIVATE_KEY, clock.unix(),
                            server.minConnectTokenExpireTimestamp(), ORACLE_PACKET);
                }
                else {
                    oracleAccepts = ORACLE.readEncrypted(copy, copy.length, PACKET_KEY, PacketType.SERVER_ALLOWED,
                            shadowWindow, ORACLE_PACKET);
                }
                if (oracleReason == null && !oracleAccepts) {
                    oracleReason = ORACLE_PACKET.dropReason();
                }
                if (oracleAccepts && ORACLE_PACKET.type() == PacketType.PAYLOAD) {
                    oracleBody = Arrays.copyOfRange(copy, ORACLE_PACKET.bodyOffset(),
                            ORACLE_PACKET.bodyOffset() + ORACLE_PACKET.bodyLength());
                }
            }

            FuzzFixtures.deliver(server, from, bytes, (datagram.header() & 4) != 0);

            assertThat(drops.get(DropReason.INTERNAL_ERROR)).as("internal error; see the log").isZero();
            long dropped = drops.total() - dropsBefore;
            int sent = transport.sent.size() - sentBefore;
            long credited = server.slot(0).packetsReceived() - creditedBefore;
            assertThat(dropped).as("drops counted for one datagram").isBetween(0L, 1L);
            assertThat(sent).as("datagrams sent in answer to one datagram").isBetween(0, 1);
            assertThat(credited).as("packets credited to A for one datagram").isBetween(0L, 1L);
            assertThat(dropped + sent + credited).as("a datagram must be dropped (and counted) or have exactly one "
                    + "legitimate effect: dropped %d, answered %d, credited %d", dropped, sent, credited).isEqualTo(1);
            if (credited == 1) {
                assertThat(from).as("only A's packets are credited to A").isEqualTo(CLIENT_A);
                aHeardAt = clock.time;
            }
            if (sent == 1) {
                assertThat(transport.last().to()).as("answers go to the sender").isEqualTo(from);
                assertThat(bytes.length).as("a server answers only connection requests")
                        .isEqualTo(NetcodeProtocol.CONNECTION_REQUEST_BYTES);
                assertThat(transport.last().bytes().length).as("amplification").isLessThanOrEqualTo(bytes.length);
            }
            assertThat(server.statistics().connectionsAccepted()).as("a fuzz input completed a handshake")
                    .isEqualTo(1);
            assertThat(events.connected).isEqualTo(1);

            if (oracle) {
                if (!oracleAccepts) {
                    assertThat(dropped).as("A's datagram refused by the reference reader (%s) but not dropped",
                            oracleReason).isEqualTo(1);
                    assertThat(drops.get(oracleReason)).as("drop reason %s not counted", oracleReason).isPositive();
                }
                else if (bytes[0] == 0 || ORACLE_PACKET.type() == PacketType.CONNECTION_RESPONSE) {
                    assertThat(dropped).as("a request or response from a connected address").isEqualTo(1);
                }
                else {
                    assertThat(credited).as("A's genuine %s was not credited", ORACLE_PACKET.type()).isEqualTo(1);
                    if (oracleBody != null) {
                        assertThat(events.payloads).hasSize(payloadsBefore + 1);
                        assertThat(events.payloads.get(payloadsBefore)).isEqualTo(oracleBody);
                    }
                    if (ORACLE_PACKET.type() == PacketType.DISCONNECT) {
                        assertThat(server.isClientConnected(0)).isFalse();
                        assertThat(events.disconnected).containsExactly(DisconnectReason.CLIENT_DISCONNECT);
                        assertThat(ServerAudit.hasMapping(server, CLIENT_A)).as("A's keys outlived its slot")
                                .isFalse();
                        aConnected = false;
                    }
                }
            }
            if (oracleBody == null) {
                assertThat(events.payloads).hasSize(payloadsBefore);
            }

            if (aConnected) {
                assertThat(server.isClientConnected(0)).as("A lost its slot").isTrue();
                assertThat(server.slot(0).address()).isEqualTo(CLIENT_A);
                assertThat(server.slot(0).clientId()).isEqualTo(CLIENT_ID_A);
                assertThat(server.findClientIndex(CLIENT_ID_A)).isZero();
                assertThat(events.disconnected).isEmpty();
            }
            assertThat(server.connectedClientCount()).isEqualTo(aConnected ? 1 : 0);
            assertThat(ServerAudit.slotAndMappingProblems(server)).isEmpty();
        }
    }
}
