package dev.netcode.packet;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PacketCodec} against the C reference's packet vectors ({@code packets.json},
 * {@code connection_request_packet.json}), the C packet tests 4 and 7..13 as round trips, and the
 * unsigned edge cases of sequences and token expiry.
 */
class PacketCodecTest {

    private static final long PROTOCOL_ID = 0x1122334455667788L;
    private static final long NOW = 1_700_000_000L;
    private static final byte GARBAGE = (byte) 0xA5;

    private final PacketCodec codec = new PacketCodec(PROTOCOL_ID);
    private final Packet packet = new Packet();

    private static byte[] garbage(int length) {
        byte[] buf = new byte[length];
        Arrays.fill(buf, GARBAGE);
        return buf;
    }

    /** {@code bytes} at the start of a 1300-byte buffer full of garbage, as a receive buffer would hold it. */
    private static byte[] inReceiveBuffer(byte[] bytes) {
        byte[] buf = garbage(Math.max(NetcodeProtocol.MAX_PACKET_BYTES, bytes.length));
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        return buf;
    }

    // ---- packets.json --------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyEncryptedPacketVector() {
        return VectorSuite.of("packets.json", TestVectors.vectors("packets.json"), 108, this::checkPacketVector);
    }

    private void checkPacketVector(JsonNode v) {
        int type = v.get("packet_type").asInt();
        long sequence = TestVectors.u64(v.get("sequence"));
        long protocolId = TestVectors.u64(v.get("protocol_id"));
        byte[] key = TestVectors.hex(v.get("key"));
        JsonNode fields = v.get("fields");
        JsonNode out = v.get("outputs");
        byte[] expected = TestVectors.hex(out.get("packet"));
        byte[] body = TestVectors.hex(out.get("plaintext_body"));
        int n = out.get("sequence_bytes").asInt();

        assertThat(PacketCodec.sequenceBytes(sequence)).isEqualTo(n);
        assertThat(PacketCodec.bodyOffset(sequence)).isEqualTo(1 + n);
        assertThat(out.get("prefix_byte").asInt()).isEqualTo(n << 4 | type);
        assertThat(expected).hasSize(1 + n + body.length + 16);

        // the vector's nonce and associated data follow the conventions the codec implements
        byte[] nonce = new byte[12];
        Bytes.writeU64(nonce, 4, sequence);
        assertThat(nonce).isEqualTo(TestVectors.hex(out.get("nonce")));
        byte[] ad = new byte[22];
        NetcodeProtocol.writeVersionInfo(ad, 0);
        Bytes.writeU64(ad, 13, protocolId);
        ad[21] = (byte) (n << 4 | type);
        assertThat(ad).isEqualTo(TestVectors.hex(out.get("associated_data")));

        try (PacketCodec c = new PacketCodec(protocolId)) {
            // writing
            byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
            int written = switch (type) {
                case 1 -> c.writeDenied(buf, sequence, key);
                case 2, 3 -> {
                    long challengeSequence = TestVectors.u64(fields.get("challenge_token_sequence"));
                    byte[] token = TestVectors.hex(fields.get("challenge_token_data"));
                    assertThat(token).hasSize(300);
                    byte[] holder = garbage(310);
                    System.arraycopy(token, 0, holder, 5, 300);
                    yield type == 2 ? c.writeChallenge(buf, sequence, challengeSequence, holder, 5, key)
                            : c.writeResponse(buf, sequence, challengeSequence, holder, 5, key);
                }
                case 4 -> c.writeKeepAlive(buf, sequence, fields.get("client_index").asInt(),
                        fields.get("max_clients").asInt(), key);
                case 5 -> {
                    byte[] payload = TestVectors.hex(fields.get("payload"));
                    byte[] holder = garbage(payload.length + 3);
                    System.arraycopy(payload, 0, holder, 3, payload.length);
                    yield c.writePayload(buf, sequence, holder, 3, payload.length, key);
                }
                case 6 -> c.writeDisconnect(buf, sequence, key);
                default -> throw new AssertionError("unexpected packet type " + type);
            };
            assertThat(written).isEqualTo(expected.length);
            assertThat(Arrays.copyOf(buf, written)).isEqualTo(expected);

            // reading the reference bytes, every type allowed, no replay window
            byte[] rx = inReceiveBuffer(expected);
            Packet p = new Packet();
            assertThat(c.readEncrypted(rx, expected.length, key, PacketType.ALL, null, p))
                    .as("accepted (drop reason %s)", p.dropReason()).isTrue();
            assertThat(p.type().value()).isEqualTo(type);
            assertThat(p.type()).isEqualTo(PacketType.of(type));
            assertThat(p.sequence()).isEqualTo(sequence);
            assertThat(p.bodyOffset()).isEqualTo(1 + n);
            assertThat(p.bodyLength()).isEqualTo(body.length);
            assertThat(Arrays.copyOfRange(rx, p.bodyOffset(), p.bodyOffset() + p.bodyLength())).isEqualTo(body);
            switch (type) {
                case 2, 3 -> {
                    assertThat(p.challengeSequence())
                            .isEqualTo(TestVectors.u64(fields.get("challenge_token_sequence")));
                    assertThat(p.challengeTokenOffset()).isEqualTo(1 + n + 8);
                    assertThat(Arrays.copyOfRange(rx, p.challengeTokenOffset(), p.challengeTokenOffset() + 300))
                            .isEqualTo(TestVectors.hex(fields.get("challenge_token_data")));
                }
                case 4 -> {
                    assertThat(p.clientIndex()).isEqualTo(fields.get("client_index").asInt());
                    assertThat(p.maxClients()).isEqualTo(fields.get("max_clients").asInt());
                }
                case 5 -> assertThat(Arrays.copyOfRange(rx, p.bodyOffset(), p.bodyOffset() + p.bodyLength()))
                        .isEqualTo(TestVectors.hex(fields.get("payload")));
                default -> {
                }
            }

            // with a replay window: keep-alive, payload and disconnect are filtered, 1..3 are not
            ReplayProtection window = new ReplayProtection();
            assertThat(c.readEncrypted(inReceiveBuffer(expected), expected.length, key, PacketType.ALL, window, p))
                    .isTrue();
            boolean windowed = type >= 4;
            boolean second = c.readEncrypted(inReceiveBuffer(expected), expected.length, key, PacketType.ALL, window,
                    p);
            if (!windowed) {
                assertThat(second).isTrue();
            }
            else if (sequence != -1L) {
                assertThat(second).isFalse();
                assertThat(p.dropReason()).isEqualTo(DropReason.REPLAYED);
            }
            // else: sequence 2^64-1 is the reference's empty-slot marker, so a repeat is implementation-defined

            // a side that does not accept this type drops it before decrypting
            int mask = PacketType.ALL & ~PacketType.mask(PacketType.of(type));
            byte[] notAllowed = inReceiveBuffer(expected);
            assertThat(c.readEncrypted(notAllowed, expected.length, key, mask, null, p)).isFalse();
            assertThat(p.dropReason()).isEqualTo(DropReason.BAD_TYPE);
            assertThat(Arrays.copyOf(notAllowed, expected.length)).isEqualTo(expected);
        }
    }

    @TestFactory
    Stream<DynamicTest> everySequenceEncoding() {
        List<JsonNode> encodings = new java.util.ArrayList<>();
        TestVectors.load("packets.json").get("sequence_encoding").forEach(encodings::add);
        return VectorSuite.of("packets.json sequence_encoding", encodings, 12, e -> "sequence " + e.get("sequence").asString(),
                e -> {
                    long sequence = TestVectors.u64(e.get("sequence"));
                    int n = e.get("sequence_bytes").asInt();
                    byte[] encoded = TestVectors.hex(e.get("encoded"));
                    assertThat(encoded).hasSize(n);
                    assertThat(PacketCodec.sequenceBytes(sequence)).isEqualTo(n);
                    byte[] buf = garbage(64);
                    int written = codec.writeDisconnect(buf, sequence, new byte[32]);
                    assertThat(written).isEqualTo(1 + n + 16);
                    assertThat(buf[0] & 0xFF).isEqualTo(n << 4 | PacketType.DISCONNECT.value());
                    assertThat(Arrays.copyOfRange(buf, 1, 1 + n)).isEqualTo(encoded);
                    assertThat(codec.readEncrypted(buf, written, new byte[32], PacketType.ALL, null, packet)).isTrue();
                    assertThat(packet.sequence()).isEqualTo(sequence);
                });
    }

    // ---- connection_request_packet.json --------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyConnectionRequestVector() {
        return VectorSuite.of("connection_request_packet.json", TestVectors.vectors("connection_request_packet.json"),
                2, this::checkRequestVector);
    }

    private void checkRequestVector(JsonNode v) {
        JsonNode in = v.get("inputs");
        JsonNode readWith = v.get("read_with");
        byte[] expected = TestVectors.hex(v.get("outputs").get("packet"));
        byte[] plaintextAfter = TestVectors.hex(v.get("outputs").get("private_plaintext_after_decrypt"));
        assertThat(expected).hasSize(NetcodeProtocol.CONNECTION_REQUEST_BYTES);
        assertThat(TestVectors.hex(in.get("version_info"))).isEqualTo(NetcodeProtocol.versionInfo());

        String from = v.get("from_token").asString();
        JsonNode publicVector = TestVectors.vectors("connect_token_public.json").stream()
                .filter(t -> t.get("name").asString().equals(from))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no public token vector " + from));
        JsonNode pub = publicVector.get("inputs");

        long protocolId = TestVectors.u64(in.get("protocol_id"));
        long expire = TestVectors.u64(in.get("expire_timestamp"));
        ConnectToken token = new ConnectToken(protocolId, TestVectors.u64(pub.get("create_timestamp")), expire,
                TestVectors.hex(in.get("nonce")), TestVectors.hex(in.get("private_encrypted")),
                pub.get("timeout_seconds").asInt(), TestVectors.addresses(pub.get("public_server_addresses")),
                TestVectors.hex(pub.get("client_to_server_key")), TestVectors.hex(pub.get("server_to_client_key")));
        assertThat(token.toBytes()).isEqualTo(TestVectors.hex(publicVector.get("outputs").get("token")));

        byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
        assertThat(codec.writeConnectionRequest(buf, token)).isEqualTo(1078);
        assertThat(Arrays.copyOf(buf, 1078)).isEqualTo(expected);

        // the layout, field by field
        assertThat(expected[0]).isZero();
        assertThat(Arrays.copyOfRange(expected, 1, 14)).isEqualTo(NetcodeProtocol.versionInfo());
        assertThat(Bytes.readU64(expected, 14)).isEqualTo(protocolId);
        assertThat(Bytes.readU64(expected, 22)).isEqualTo(expire);
        assertThat(Arrays.copyOfRange(expected, 30, 54)).isEqualTo(TestVectors.hex(in.get("nonce")));
        assertThat(Arrays.copyOfRange(expected, 54, 1078)).isEqualTo(TestVectors.hex(in.get("private_encrypted")));

        // the server reads it and decrypts the private token in place
        try (PacketCodec server = new PacketCodec(TestVectors.u64(readWith.get("protocol_id")))) {
            byte[] rx = inReceiveBuffer(expected);
            Packet p = new Packet();
            assertThat(server.readConnectionRequest(rx, 1078, TestVectors.hex(readWith.get("private_key")),
                    TestVectors.u64(readWith.get("current_timestamp")), 0, p))
                    .as("accepted (drop reason %s)", p.dropReason()).isTrue();
            assertThat(p.type()).isEqualTo(PacketType.CONNECTION_REQUEST);
            assertThat(p.expireTimestamp()).isEqualTo(expire);
            assertThat(p.privateTokenOffset()).isEqualTo(54);
            assertThat(p.bodyLength()).isEqualTo(1008);
            assertThat(Arrays.copyOfRange(rx, 54, 54 + 1008)).isEqualTo(Arrays.copyOf(plaintextAfter, 1008));

            ConnectTokenPrivate inside = ConnectTokenPrivate.read(rx, p.privateTokenOffset());
            assertThat(inside).isNotNull();
            assertThat(inside.clientId()).isEqualTo(TestVectors.u64(pub.get("client_id")));
            assertThat(inside.serverAddresses())
                    .containsExactlyElementsOf(TestVectors.addresses(pub.get("internal_server_addresses")));
            assertThat(inside.clientToServerKey()).isEqualTo(TestVectors.hex(pub.get("client_to_server_key")));
            assertThat(inside.serverToClientKey()).isEqualTo(TestVectors.hex(pub.get("server_to_client_key")));
            assertThat(inside.userData()).isEqualTo(TestVectors.hex(pub.get("user_data")));
        }
    }

    // ---- C tests 4 and 7..13 -------------------------------------------------------------------

    /** The C test {@code test_sequence}. */
    @Test
    void referenceTestSequence() {
        assertThat(PacketCodec.sequenceBytes(0)).isEqualTo(1);
        assertThat(PacketCodec.sequenceBytes(0x11)).isEqualTo(1);
        assertThat(PacketCodec.sequenceBytes(0x1122)).isEqualTo(2);
        assertThat(PacketCodec.sequenceBytes(0x112233)).isEqualTo(3);
        assertThat(PacketCodec.sequenceBytes(0x11223344L)).isEqualTo(4);
        assertThat(PacketCodec.sequenceBytes(0x1122334455L)).isEqualTo(5);
        assertThat(PacketCodec.sequenceBytes(0x112233445566L)).isEqualTo(6);
        assertThat(PacketCodec.sequenceBytes(0x11223344556677L)).isEqualTo(7);
        assertThat(PacketCodec.sequenceBytes(0x1122334455667788L)).isEqualTo(8);
    }

    /** Builds a request for a fresh token with the given expiry; returns it in a receive buffer. */
    private byte[] request(long expire, byte[] privateKey, ConnectTokenPrivate[] plaintextOut, byte[] plaintextBytes) {
        ConnectTokenPrivate privateToken = new ConnectTokenPrivate(1, 15,
                List.of(NetcodeAddress.parse("127.0.0.1:40000")), SecureRandomBytes.key(), SecureRandomBytes.key(),
                SecureRandomBytes.bytes(256));
        if (plaintextOut != null) {
            plaintextOut[0] = privateToken;
        }
        if (plaintextBytes != null) {
            privateToken.write(plaintextBytes, 0);
        }
        ConnectToken token = ConnectToken.seal(privateToken, privateToken.serverAddresses(), PROTOCOL_ID, NOW, expire,
                SecureRandomBytes.bytes(24), privateKey, codec.aead());
        byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
        assertThat(codec.writeConnectionRequest(buf, token)).isEqualTo(1078);
        return buf;
    }

    /** The C test {@code test_connection_request_packet}. */
    @Test
    void referenceTestConnectionRequestPacket() {
        byte[] privateKey = SecureRandomBytes.key();
        long now = System.currentTimeMillis() / 1000;
        long expire = now + 30;
        ConnectTokenPrivate[] input = new ConnectTokenPrivate[1];
        byte[] plaintext = new byte[1024];
        byte[] buf = request(expire, privateKey, input, plaintext);
        byte[] sent = Arrays.copyOf(buf, 1078);

        assertThat(codec.readConnectionRequest(buf, 1078, privateKey, now, 0, packet)).isTrue();
        assertThat(packet.type()).isEqualTo(PacketType.CONNECTION_REQUEST);
        assertThat(packet.expireTimestamp()).isEqualTo(expire);
        assertThat(Arrays.copyOfRange(buf, 0, 54)).isEqualTo(Arrays.copyOf(sent, 54));
        assertThat(Arrays.copyOfRange(buf, packet.privateTokenOffset(), packet.privateTokenOffset() + 1008))
                .isEqualTo(Arrays.copyOf(plaintext, 1008));
        ConnectTokenPrivate output = ConnectTokenPrivate.read(buf, packet.privateTokenOffset());
        assertThat(output.clientId()).isEqualTo(input[0].clientId());
        assertThat(output.serverAddresses()).isEqualTo(input[0].serverAddresses());
        assertThat(output.clientToServerKey()).isEqualTo(input[0].clientToServerKey());
        assertThat(output.userData()).isEqualTo(input[0].userData());
    }

    /** The C test {@code test_connection_denied_packet}. */
    @Test
    void referenceTestConnectionDeniedPacket() {
        byte[] key = SecureRandomBytes.key();
        byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
        int written = codec.writeDenied(buf, 1000, key);
        assertThat(written).isEqualTo(1 + 2 + 16);
        assertThat(Bytes.toHex(Arrays.copyOf(buf, 3))).isEqualTo("21e803");
        assertThat(codec.readEncrypted(buf, written, key, PacketType.ALL, null, packet)).isTrue();
        assertThat(packet.type()).isEqualTo(PacketType.CONNECTION_DENIED);
        assertThat(packet.sequence()).isEqualTo(1000);
        assertThat(packet.bodyLength()).isZero();
    }

    /** The C tests {@code test_connection_challenge_packet} and {@code test_connection_response_packet}. */
    @Test
    void referenceTestConnectionChallengeAndResponsePackets() {
        for (PacketType type : List.of(PacketType.CONNECTION_CHALLENGE, PacketType.CONNECTION_RESPONSE)) {
            byte[] key = SecureRandomBytes.key();
            byte[] challengeToken = SecureRandomBytes.bytes(300);
            byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
            int written = type == PacketType.CONNECTION_CHALLENGE
                    ? codec.writeChallenge(buf, 1000, 0, challengeToken, 0, key)
                    : codec.writeResponse(buf, 1000, 0, challengeToken, 0, key);
            assertThat(written).isEqualTo(1 + 2 + 308 + 16);
            assertThat(buf[0]).isEqualTo((byte) (0x20 | type.value()));
            assertThat(codec.readEncrypted(buf, written, key, PacketType.ALL, null, packet)).isTrue();
            assertThat(packet.type()).isEqualTo(type);
            assertThat(packet.sequence()).isEqualTo(1000);
            assertThat(packet.challengeSequence()).isZero();
            assertThat(Arrays.copyOfRange(buf, packet.challengeTokenOffset(), packet.challengeTokenOffset() + 300))
                    .isEqualTo(challengeToken);
        }
    }

    /** The C test {@code test_connection_keep_alive_packet}. */
    @Test
    void referenceTestConnectionKeepAlivePacket() {
        byte[] key = SecureRandomBytes.key();
        byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
        int written = codec.writeKeepAlive(buf, 1000, 10, 16, key);
        assertThat(written).isEqualTo(1 + 2 + 8 + 16);
        assertThat(codec.readEncrypted(buf, written, key, PacketType.ALL, null, packet)).isTrue();
        assertThat(packet.type()).isEqualTo(PacketType.KEEP_ALIVE);
        assertThat(packet.sequence()).isEqualTo(1000);
        assertThat(packet.clientIndex()).isEqualTo(10);
        assertThat(packet.maxClients()).isEqualTo(16);
    }

    /** The C test {@code test_connection_payload_packet}. */
    @Test
    void referenceTestConnectionPayloadPacket() {
        byte[] key = SecureRandomBytes.key();
        byte[] payload = SecureRandomBytes.bytes(NetcodeProtocol.MAX_PAYLOAD_BYTES);
        byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
        int written = codec.writePayload(buf, 1000, payload, 0, payload.length, key);
        assertThat(written).isEqualTo(1 + 2 + 1200 + 16);
        assertThat(codec.readEncrypted(buf, written, key, PacketType.ALL, null, packet)).isTrue();
        assertThat(packet.type()).isEqualTo(PacketType.PAYLOAD);
        assertThat(packet.sequence()).isEqualTo(1000);
        assertThat(packet.bodyLength()).isEqualTo(1200);
        assertThat(Arrays.copyOfRange(buf, packet.bodyOffset(), packet.bodyOffset() + 1200)).isEqualTo(payload);
    }

    /** The C test {@code test_connection_disconnect_packet}. */
    @Test
    void referenceTestConnectionDisconnectPacket() {
        byte[] key = SecureRandomBytes.key();
        byte[] buf = garbage(NetcodeProtocol.MAX_PACKET_BYTES);
        int written = codec.writeDisconnect(buf, 1000, key);
        assertThat(written).isEqualTo(1 + 2 + 16);
        assertThat(codec.readEncrypted(buf, written, key, PacketType.ALL, null, packet)).isTrue();
        assertThat(packet.type()).isEqualTo(PacketType.DISCONNECT);
        assertThat(packet.sequence()).isEqualTo(1000);
        assertThat(packet.bodyLength()).isZero();
    }

    // ---- limits and unsigned edge cases --------------------------------------------------------

    @Test
    void payloadsOfZeroOrMoreThan1200BytesAreRefusedByTheWriter() {
        byte[] key = SecureRandomBytes.key();
        byte[] buf = new byte[2048];
        assertThatThrownBy(() -> codec.writePayload(buf, 1, new byte[0], 0, 0, key))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.writePayload(buf, 1, new byte[1201], 0, 1201, key))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PacketCodec.checkPayloadLength(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(codec.writePayload(buf, 1, new byte[1], 0, 1, key)).isEqualTo(1 + 1 + 1 + 16);
    }

    @Test
    void sequencesAtAndAboveTwoToTheSixtyThreeUseEightBytesAndRoundTrip() {
        byte[] key = SecureRandomBytes.key();
        for (long sequence : new long[] { Long.MIN_VALUE, Long.MIN_VALUE + 1, 0xFFFFFFFFFFFFFFFEL, -1L }) {
            assertThat(PacketCodec.sequenceBytes(sequence)).isEqualTo(8);
            byte[] buf = garbage(64);
            int written = codec.writeKeepAlive(buf, sequence, 3, 4, key);
            assertThat(written).isEqualTo(1 + 8 + 8 + 16);
            assertThat(buf[0]).isEqualTo((byte) 0x84);
            assertThat(Bytes.readU64(buf, 1)).isEqualTo(sequence);
            ReplayProtection window = new ReplayProtection();
            assertThat(codec.readEncrypted(buf, written, key, PacketType.ALL, window, packet)).isTrue();
            assertThat(packet.sequence()).isEqualTo(sequence);
            assertThat(Long.toUnsignedString(packet.sequence())).isEqualTo(Long.toUnsignedString(sequence));
            assertThat(window.mostRecentSequence()).isEqualTo(sequence);
        }
        assertThat(Bytes.toHex(sequenceOnWire(-1L))).isEqualTo("ffffffffffffffff");
        assertThat(Bytes.toHex(sequenceOnWire(Long.MIN_VALUE))).isEqualTo("0000000000000080");
        assertThat(Bytes.toHex(sequenceOnWire(0x00FFFFFFFFFFFFFFL))).isEqualTo("ffffffffffffff");
    }

    private byte[] sequenceOnWire(long sequence) {
        byte[] buf = new byte[64];
        codec.writeDisconnect(buf, sequence, new byte[32]);
        return Arrays.copyOfRange(buf, 1, 1 + (buf[0] >> 4 & 0xF));
    }

    @Test
    void requestThatNeverExpiresPassesTheExpiryAndRestartChecks() {
        byte[] privateKey = SecureRandomBytes.key();
        long now = System.currentTimeMillis() / 1000;
        byte[] buf = request(-1L, privateKey, null, null);
        assertThat(codec.readConnectionRequest(buf, 1078, privateKey, now, now + 30, packet))
                .as("drop reason %s", packet.dropReason()).isTrue();
        assertThat(packet.expireTimestamp()).isEqualTo(-1L);
    }

    @Test
    void requestExpiryComparesUnsigned() {
        byte[] privateKey = SecureRandomBytes.key();
        // expire 2^63 is far in the future, not negative
        assertThat(codec.readConnectionRequest(request(Long.MIN_VALUE, privateKey, null, null), 1078, privateKey, NOW,
                NOW, packet)).as("drop reason %s", packet.dropReason()).isTrue();
        // now 2^63 is after expire 2^63 - 1
        assertThat(codec.readConnectionRequest(request(Long.MAX_VALUE, privateKey, null, null), 1078, privateKey,
                Long.MIN_VALUE, 0, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_EXPIRED);
        // min expire 2^63 is after expire 2^63 - 1
        assertThat(codec.readConnectionRequest(request(Long.MAX_VALUE, privateKey, null, null), 1078, privateKey, NOW,
                Long.MIN_VALUE, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_PREDATES_START);
    }

    @Test
    void restartRuleIsStrictlyLessThanAndExpiryIsLessOrEqual() {
        byte[] privateKey = SecureRandomBytes.key();
        long minExpire = NOW + 30;

        assertThat(codec.readConnectionRequest(request(minExpire, privateKey, null, null), 1078, privateKey, NOW,
                minExpire, packet)).as("expire == min expire passes (drop reason %s)", packet.dropReason()).isTrue();

        assertThat(codec.readConnectionRequest(request(minExpire - 1, privateKey, null, null), 1078, privateKey, NOW,
                minExpire, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_PREDATES_START);

        assertThat(codec.readConnectionRequest(request(NOW, privateKey, null, null), 1078, privateKey, NOW, 0, packet))
                .isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_EXPIRED);

        assertThat(codec.readConnectionRequest(request(NOW - 1, privateKey, null, null), 1078, privateKey, NOW, 0,
                packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_EXPIRED);

        assertThat(codec.readConnectionRequest(request(NOW + 1, privateKey, null, null), 1078, privateKey, NOW, 0,
                packet)).isTrue();
    }

    @Test
    void restartAndExpiryChecksComeBeforeDecryptionAndLeaveTheBufferAlone() {
        byte[] privateKey = SecureRandomBytes.key();
        byte[] buf = request(NOW, privateKey, null, null);
        byte[] before = buf.clone();
        assertThat(codec.readConnectionRequest(buf, 1078, privateKey, NOW, 0, packet)).isFalse();
        assertThat(buf).isEqualTo(before);
        // with the wrong key the request would fail decryption, but the expiry is reported first
        assertThat(codec.readConnectionRequest(buf, 1078, SecureRandomBytes.key(), NOW, 0, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_EXPIRED);
        buf = request(NOW + 10, privateKey, null, null);
        assertThat(codec.readConnectionRequest(buf, 1078, privateKey, NOW, NOW + 20, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.TOKEN_PREDATES_START);
    }

    @Test
    void aForgedPacketDoesNotMoveTheReplayWindow() {
        byte[] key = SecureRandomBytes.key();
        byte[] forged = garbage(64);
        int length = codec.writeKeepAlive(forged, 1_000_000, 0, 0, SecureRandomBytes.key());
        ReplayProtection window = new ReplayProtection();
        assertThat(codec.readEncrypted(forged, length, key, PacketType.ALL, window, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.DECRYPT_FAILED);
        assertThat(window.mostRecentSequence()).isZero();

        byte[] genuine = garbage(64);
        length = codec.writeKeepAlive(genuine, 10, 0, 0, key);
        assertThat(codec.readEncrypted(genuine, length, key, PacketType.ALL, window, packet)).isTrue();
        assertThat(window.mostRecentSequence()).isEqualTo(10);
    }

    @Test
    void aPrefixWithTypeZeroIsNotAnEncryptedPacket() {
        byte[] key = SecureRandomBytes.key();
        byte[] buf = garbage(64);
        int length = codec.writeDisconnect(buf, 5, key);
        buf[0] = 0x10;
        assertThat(codec.readEncrypted(buf, length, key, PacketType.ALL, null, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.BAD_TYPE);
    }

    @Test
    void oversizedDatagramsAreDroppedNotThrown() {
        byte[] key = SecureRandomBytes.key();
        for (int size : new int[] { 1226, 1300, 1501, 2100, 4096, 65507 }) {
            byte[] big = garbage(size);
            big[0] = 0x15;
            assertThat(codec.readEncrypted(big, size, key, PacketType.ALL, null, packet)).as("%d bytes", size)
                    .isFalse();
            assertThat(packet.dropReason()).isIn(DropReason.BAD_LENGTH, DropReason.DECRYPT_FAILED);
            big[0] = 0;
            assertThat(codec.readConnectionRequest(big, size, key, NOW, 0, packet)).isFalse();
            assertThat(packet.dropReason()).isEqualTo(DropReason.BAD_LENGTH);
        }
    }

    @Test
    void protocolIdCanBeSwitched() {
        byte[] key = SecureRandomBytes.key();
        byte[] buf = garbage(64);
        codec.protocolId(42);
        assertThat(codec.protocolId()).isEqualTo(42);
        int length = codec.writeDisconnect(buf, 1, key);
        byte[] copy = buf.clone();
        assertThat(codec.readEncrypted(buf, length, key, PacketType.ALL, null, packet)).isTrue();
        codec.protocolId(PROTOCOL_ID);
        assertThat(codec.readEncrypted(copy, length, key, PacketType.ALL, null, packet)).isFalse();
        assertThat(packet.dropReason()).isEqualTo(DropReason.DECRYPT_FAILED);
    }
}
