package dev.netcode.packet;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.NetcodeProtocol;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;
import dev.netcode.token.InvalidConnectTokenException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every vector of {@code negative.json}, run by its {@code kind}: rejected ones must be rejected
 * (with a fitting {@link DropReason} where the reason is clear), accepted ones accepted, replays
 * accepted once and then rejected.
 */
class NegativeVectorsTest {

    private static final String FILE = "negative.json";

    /** Vector counts per kind, as documented in the vectors' README. */
    private static final Map<String, Integer> KINDS = Map.of("encrypted_packet", 26, "replayed_packet", 1,
            "connection_request", 12, "connection_request_private_token", 3, "connect_token_public", 6);

    @Test
    void theFileHoldsEveryKindInTheDocumentedNumbers() {
        List<JsonNode> vectors = TestVectors.vectors(FILE);
        Map<String, Long> counts = vectors.stream()
                .collect(Collectors.groupingBy(v -> v.get("kind").asString(), TreeMap::new, Collectors.counting()));
        assertThat(counts).containsOnlyKeys(KINDS.keySet());
        KINDS.forEach((kind, count) -> assertThat(counts.get(kind)).as(kind).isEqualTo(count.longValue()));
    }

    @TestFactory
    Stream<DynamicTest> everyNegativeVector() {
        List<JsonNode> vectors = TestVectors.vectors(FILE);
        int total = KINDS.values().stream().mapToInt(Integer::intValue).sum();
        return VectorSuite.of(FILE, vectors, total, v -> v.get("kind").asString() + ": " + v.get("name").asString(),
                this::run);
    }

    private void run(JsonNode v) {
        String kind = v.get("kind").asString();
        String expected = v.get("expected").asString();
        switch (kind) {
            case "encrypted_packet" -> encryptedPacket(v, expected);
            case "replayed_packet" -> replayedPacket(v, expected);
            case "connection_request" -> connectionRequest(v, expected);
            case "connection_request_private_token" -> privateToken(v, expected);
            case "connect_token_public" -> publicToken(v, expected);
            default -> fail("unknown vector kind " + kind);
        }
    }

    // ---- kinds -----------------------------------------------------------------------------------

    private static void encryptedPacket(JsonNode v, String expected) {
        byte[] datagram = TestVectors.hex(v.get("packet"));
        JsonNode readWith = v.get("read_with");
        byte[] key = TestVectors.hex(readWith.get("key"));
        try (PacketCodec codec = new PacketCodec(TestVectors.u64(readWith.get("protocol_id")))) {
            byte[] buf = inReceiveBuffer(datagram);
            Packet packet = new Packet();
            boolean accepted = codec.readEncrypted(buf, datagram.length, key, PacketType.ALL, null, packet);
            switch (expected) {
                case "accepted" -> {
                    assertThat(accepted).as("accepted (drop reason %s)", packet.dropReason()).isTrue();
                    if (v.has("expected_sequence")) {
                        assertThat(packet.sequence()).isEqualTo(TestVectors.u64(v.get("expected_sequence")));
                    }
                    if (v.has("expected_payload")) {
                        assertThat(packet.type()).isEqualTo(PacketType.PAYLOAD);
                        assertThat(Arrays.copyOfRange(buf, packet.bodyOffset(),
                                packet.bodyOffset() + packet.bodyLength()))
                                .isEqualTo(TestVectors.hex(v.get("expected_payload")));
                    }
                    if (v.get("name").asString().equals("base_payload_packet")) {
                        assertThat(packet.type()).isEqualTo(PacketType.PAYLOAD);
                        assertThat(packet.sequence()).isEqualTo(1000);
                        assertThat(packet.bodyLength()).isEqualTo(64);
                    }
                }
                case "rejected" -> {
                    assertThat(accepted).isFalse();
                    assertThat(packet.dropReason()).isIn(encryptedReasons(v.get("reference_reason").asString()));
                }
                default -> fail("unexpected outcome " + expected);
            }
        }
    }

    private static void replayedPacket(JsonNode v, String expected) {
        assertThat(expected).isEqualTo("accepted_then_rejected");
        byte[] datagram = TestVectors.hex(v.get("packet"));
        JsonNode readWith = v.get("read_with");
        byte[] key = TestVectors.hex(readWith.get("key"));
        try (PacketCodec codec = new PacketCodec(TestVectors.u64(readWith.get("protocol_id")))) {
            ReplayProtection window = new ReplayProtection();
            Packet packet = new Packet();
            assertThat(codec.readEncrypted(inReceiveBuffer(datagram), datagram.length, key, PacketType.ALL, window,
                    packet)).as("first delivery (drop reason %s)", packet.dropReason()).isTrue();
            long sequence = packet.sequence();
            assertThat(window.mostRecentSequence()).isEqualTo(sequence);

            assertThat(codec.readEncrypted(inReceiveBuffer(datagram), datagram.length, key, PacketType.ALL, window,
                    packet)).as("second delivery").isFalse();
            assertThat(packet.dropReason()).isEqualTo(DropReason.REPLAYED);

            // without a window (no connection yet) the same bytes still read fine: the filter did it
            assertThat(codec.readEncrypted(inReceiveBuffer(datagram), datagram.length, key, PacketType.ALL, null,
                    packet)).isTrue();
        }
    }

    private static void connectionRequest(JsonNode v, String expected) {
        byte[] datagram = TestVectors.hex(v.get("packet"));
        JsonNode readWith = v.get("read_with");
        byte[] privateKey = TestVectors.hex(readWith.get("private_key"));
        long now = TestVectors.u64(readWith.get("current_timestamp"));
        try (PacketCodec codec = new PacketCodec(TestVectors.u64(readWith.get("protocol_id")))) {
            byte[] buf = inReceiveBuffer(datagram);
            Packet packet = new Packet();
            boolean accepted = codec.readConnectionRequest(buf, datagram.length, privateKey, now, 0, packet);
            switch (expected) {
                case "accepted" -> {
                    assertThat(accepted).as("accepted (drop reason %s)", packet.dropReason()).isTrue();
                    assertThat(packet.type()).isEqualTo(PacketType.CONNECTION_REQUEST);
                    assertThat(packet.expireTimestamp()).isGreaterThan(now);
                    ConnectTokenPrivate token = ConnectTokenPrivate.read(buf, packet.privateTokenOffset());
                    assertThat(token).isNotNull();
                    assertThat(token.clientId()).isEqualTo(0xf0e1d2c3b4a59687L);
                }
                case "rejected" -> {
                    assertThat(accepted).isFalse();
                    assertThat(packet.dropReason()).isIn(requestReasons(v.get("reference_reason").asString()));
                }
                default -> fail("unexpected outcome " + expected);
            }
        }
    }

    private static void privateToken(JsonNode v, String expected) {
        assertThat(expected).isEqualTo("rejected");
        byte[] datagram = TestVectors.hex(v.get("packet"));
        JsonNode readWith = v.get("read_with");
        byte[] privateKey = TestVectors.hex(readWith.get("private_key"));
        long now = TestVectors.u64(readWith.get("current_timestamp"));
        try (PacketCodec codec = new PacketCodec(TestVectors.u64(readWith.get("protocol_id")))) {
            byte[] buf = inReceiveBuffer(datagram);
            Packet packet = new Packet();
            assertThat(codec.readConnectionRequest(buf, datagram.length, privateKey, now, 0, packet))
                    .as("packet-level read succeeds (drop reason %s)", packet.dropReason()).isTrue();
            byte[] plaintext = TestVectors.hex(v.get("private_plaintext"));
            int offset = packet.privateTokenOffset();
            assertThat(Arrays.copyOfRange(buf, offset, offset + ConnectTokenPrivate.SEALED_BYTES))
                    .isEqualTo(Arrays.copyOf(plaintext, ConnectTokenPrivate.SEALED_BYTES));
            assertThat(ConnectTokenPrivate.read(buf, offset)).as("private token parse").isNull();
        }
    }

    private static void publicToken(JsonNode v, String expected) {
        assertThat(expected).isEqualTo("rejected");
        byte[] token = TestVectors.hex(v.get("token"));
        assertThat(token).hasSize(NetcodeProtocol.CONNECT_TOKEN_BYTES);
        assertThatThrownBy(() -> ConnectToken.read(token)).isInstanceOf(InvalidConnectTokenException.class);
    }

    // ---- expected drop reasons by the reference's words ------------------------------------------

    private static Set<DropReason> encryptedReasons(String reference) {
        if (reference.startsWith("encrypted part shorter than the tag")) {
            return EnumSet.of(DropReason.BAD_LENGTH, DropReason.DECRYPT_FAILED);
        }
        if (reference.startsWith("failed to decrypt")) {
            return EnumSet.of(DropReason.DECRYPT_FAILED);
        }
        if (reference.equals("packet too small")) {
            return EnumSet.of(DropReason.BAD_LENGTH);
        }
        if (reference.equals("invalid packet type")) {
            return EnumSet.of(DropReason.BAD_TYPE);
        }
        if (reference.startsWith("sequence bytes out of range")) {
            return EnumSet.of(DropReason.BAD_SEQUENCE_BYTES);
        }
        if (reference.startsWith("payload is too") || reference.equals("decrypted packet data is wrong size")) {
            return EnumSet.of(DropReason.BAD_BODY_LENGTH);
        }
        return EnumSet.allOf(DropReason.class);
    }

    private static Set<DropReason> requestReasons(String reference) {
        return switch (reference) {
            case "wrong protocol id" -> EnumSet.of(DropReason.WRONG_PROTOCOL_ID);
            case "connect token expired (expire <= now)" -> EnumSet.of(DropReason.TOKEN_EXPIRED);
            case "bad version info" -> EnumSet.of(DropReason.BAD_VERSION);
            case "bad packet length" -> EnumSet.of(DropReason.BAD_LENGTH);
            case "connect token failed to decrypt" -> EnumSet.of(DropReason.TOKEN_DECRYPT_FAILED);
            default -> EnumSet.allOf(DropReason.class);
        };
    }

    @Test
    void everyRejectedReasonInTheFileIsOneWeRecognise() {
        for (JsonNode v : TestVectors.vectors(FILE)) {
            String kind = v.get("kind").asString();
            String reason = v.get("reference_reason").asString();
            if (!v.get("expected").asString().equals("rejected")) {
                continue;
            }
            if (kind.equals("encrypted_packet")) {
                assertThat(encryptedReasons(reason)).as(reason).isNotEqualTo(EnumSet.allOf(DropReason.class));
            }
            if (kind.equals("connection_request")) {
                assertThat(requestReasons(reason)).as(reason).isNotEqualTo(EnumSet.allOf(DropReason.class));
            }
        }
    }

    private static byte[] inReceiveBuffer(byte[] datagram) {
        byte[] buf = new byte[Math.max(NetcodeProtocol.MAX_PACKET_BYTES, datagram.length)];
        Arrays.fill(buf, (byte) 0xA5);
        System.arraycopy(datagram, 0, buf, 0, datagram.length);
        return buf;
    }
}
