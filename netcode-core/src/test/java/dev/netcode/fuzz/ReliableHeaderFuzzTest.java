package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.reliable.PacketHeader;

/**
 * Fuzzes {@link PacketHeader#read}, the reader of the C library {@code reliable}'s regular packet
 * header. Input: the datagram.
 *
 * <p>Checks, beyond "never throws": nothing is written to the buffer; the verdict is exactly the
 * format's (refused only when shorter than 3 bytes, marked as a fragment, or shorter than the ack
 * and ack_bits bytes its prefix announces); an accepted header's length is what its prefix
 * announces and its fields are those bytes; and the canonical encoding of the fields reads back to
 * the same fields.
 */
class ReliableHeaderFuzzTest {

    private static final PacketHeader HEADER = new PacketHeader();
    private static final PacketHeader AGAIN = new PacketHeader();

    @FuzzTest
    void readHeader(byte[] data) {
        int length = data.length;
        byte[] buf = FuzzFixtures.withCanary(data, length);
        byte[] before = buf.clone();

        int read = HEADER.read(buf, 0, length);

        assertThat(buf).as("the reader wrote to the buffer").isEqualTo(before);
        int prefix = length > 0 ? data[0] & 0xFF : 0;
        int announced = 3 + ((prefix & 0x20) != 0 ? 1 : 2) + Integer.bitCount(prefix & 0x1E);
        boolean wellFormed = length >= 3 && (prefix & 1) == 0 && length >= announced;
        assertThat(read >= 0).as("accepted %d bytes with prefix %02x", length, prefix).isEqualTo(wellFormed);
        if (read < 0) {
            return;
        }
        assertThat(read).isEqualTo(announced).isBetween(4, PacketHeader.MAX_BYTES);
        int sequence = (data[1] & 0xFF) | (data[2] & 0xFF) << 8;
        assertThat(HEADER.sequence()).isEqualTo(sequence);
        int ack = (prefix & 0x20) != 0 ? (sequence - (data[3] & 0xFF)) & 0xFFFF : (data[3] & 0xFF) | (data[4] & 0xFF) << 8;
        assertThat(HEADER.ack()).isEqualTo(ack);
        int position = (prefix & 0x20) != 0 ? 4 : 5;
        for (int i = 0; i < 4; i++) {
            int expected = (prefix & (2 << i)) != 0 ? data[position++] & 0xFF : 0xFF;
            assertThat((HEADER.ackBits() >>> (8 * i)) & 0xFF).as("ack_bits byte %d", i).isEqualTo(expected);
        }

        byte[] canonical = new byte[PacketHeader.MAX_BYTES];
        int written = PacketHeader.write(canonical, 0, HEADER.sequence(), HEADER.ack(), HEADER.ackBits());
        assertThat(written).isLessThanOrEqualTo(read);
        assertThat(AGAIN.read(canonical, 0, written)).isEqualTo(written);
        assertThat(AGAIN.sequence()).isEqualTo(HEADER.sequence());
        assertThat(AGAIN.ack()).isEqualTo(HEADER.ack());
        assertThat(AGAIN.ackBits()).isEqualTo(HEADER.ackBits());
    }
}
