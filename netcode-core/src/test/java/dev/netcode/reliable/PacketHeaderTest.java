package dev.netcode.reliable;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.Bytes;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PacketHeader} against the 706 headers the C library {@code reliable} wrote
 * ({@code vectors/reliable/packet_headers.json}): each encodes to exactly those bytes, decodes back
 * to its fields, and every proper prefix of it is rejected.
 */
class PacketHeaderTest {

    private static final String FILE = "reliable/packet_headers.json";

    @TestFactory
    Stream<DynamicTest> everyHeaderVector() {
        return VectorSuite.of(FILE, TestVectors.vectors(FILE), 706, this::checkVector);
    }

    private void checkVector(JsonNode v) {
        int sequence = v.get("sequence").asInt();
        int ack = v.get("ack").asInt();
        int ackBits = (int) v.get("ack_bits").asLong();
        byte[] expected = TestVectors.hex(v.get("header"));
        assertThat(expected).hasSize(v.get("header_bytes").asInt());
        assertThat(expected[0] & 0xFF).isEqualTo(v.get("prefix_byte").asInt());

        byte[] written = new byte[PacketHeader.MAX_BYTES + 2];
        int length = PacketHeader.write(written, 1, sequence, ack, ackBits);
        assertThat(Bytes.toHex(Arrays.copyOfRange(written, 1, 1 + length))).isEqualTo(Bytes.toHex(expected));

        PacketHeader header = new PacketHeader();
        assertThat(header.read(expected, 0, expected.length)).isEqualTo(expected.length);
        assertThat(header.sequence()).isEqualTo(sequence);
        assertThat(header.ack()).isEqualTo(ack);
        assertThat(header.ackBits()).isEqualTo(ackBits);
        for (int prefix = 0; prefix < expected.length; prefix++) {
            assertThat(new PacketHeader().read(expected, 0, prefix)).as("a %d-byte prefix", prefix).isEqualTo(-1);
        }
    }

    @Test
    void aFragmentPrefixIsNotARegularHeaderButUnusedPrefixBitsAreIgnored() {
        byte[] header = new byte[PacketHeader.MAX_BYTES];
        int length = PacketHeader.write(header, 0, 7, 6, 0);
        PacketHeader read = new PacketHeader();
        header[0] |= 0x01;
        assertThat(read.read(header, 0, length)).isEqualTo(-1);
        header[0] &= ~0x01;
        header[0] |= (byte) 0xC0;
        assertThat(read.read(header, 0, length)).isEqualTo(length);
        assertThat(read.sequence()).isEqualTo(7);
        assertThat(read.ack()).isEqualTo(6);
    }

    @Test
    void aFreshEndpointsFirstHeaderSaysNothingReceived() {
        byte[] header = new byte[PacketHeader.MAX_BYTES];
        int length = PacketHeader.write(header, 0, 0, 0xFFFF, 0);
        assertThat(Bytes.toHex(Arrays.copyOf(header, length))).isEqualTo("3e00000100000000");
    }
}
