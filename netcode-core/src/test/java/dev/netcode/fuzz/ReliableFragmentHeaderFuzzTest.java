package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.reliable.FragmentHeader;
import dev.netcode.reliable.PacketHeader;

/**
 * Fuzzes {@link FragmentHeader#read}, the reader of the C library {@code reliable}'s fragment
 * header, under the default limits and others.
 *
 * <p>Input: a config byte, then the datagram. Config bits 0-1: the fragment size (1024, 1, 16,
 * 100); bits 2-7 ({@code v}): the most fragments, 16 when {@code v = 0}, else {@code min(256, 4v + 4)}.
 *
 * <p>Checks, beyond "never throws": nothing is written to the buffer; whatever is accepted is
 * within the limits (prefix {@code 01}, id below the count, count within the limit, data within
 * the datagram, exactly the fragment size except in the last fragment) and <em>is exactly the
 * canonical encoding</em> of what was read: the 5-byte header, then for fragment 0 the canonical
 * regular header of the same sequence, then the data, so nothing non-canonical is ever accepted;
 * and a refused datagram of the right shape is refused for one of those reasons.
 */
class ReliableFragmentHeaderFuzzTest {

    private static final int[] FRAGMENT_SIZES = {1024, 1, 16, 100};
    private static final FragmentHeader HEADER = new FragmentHeader();

    @FuzzTest
    void readFragmentHeader(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int config = data[0] & 0xFF;
        int fragmentSize = FRAGMENT_SIZES[config & 3];
        int v = config >>> 2;
        int maxFragments = v == 0 ? 16 : Math.min(256, 4 * v + 4);
        byte[] datagram = Arrays.copyOfRange(data, 1, data.length);
        int length = datagram.length;
        byte[] buf = FuzzFixtures.withCanary(datagram, length);
        byte[] before = buf.clone();

        int read = HEADER.read(buf, 0, length, maxFragments, fragmentSize);

        assertThat(buf).as("the reader wrote to the buffer").isEqualTo(before);
        boolean shaped = length >= FragmentHeader.BYTES && datagram[0] == 1 && (datagram[3] & 0xFF) <= (datagram[4] & 0xFF)
                && (datagram[4] & 0xFF) < maxFragments;
        if (read < 0) {
            if (shaped && (datagram[3] & 0xFF) != 0) {
                int dataBytes = length - FragmentHeader.BYTES;
                boolean last = datagram[3] == datagram[4];
                assertThat(dataBytes > fragmentSize || (!last && dataBytes != fragmentSize))
                        .as("refused a well-formed fragment %d of %d with %d bytes", datagram[3] & 0xFF, (datagram[4] & 0xFF) + 1,
                                dataBytes).isTrue();
            }
            return;
        }
        assertThat(read).isEqualTo(FragmentHeader.BYTES);
        assertThat(shaped).as("accepted a datagram outside the fragment limits").isTrue();
        int id = HEADER.fragmentId();
        int count = HEADER.fragmentCount();
        assertThat(id).isLessThan(count);
        assertThat(count).isBetween(1, maxFragments);
        assertThat(HEADER.dataOffset() + HEADER.dataBytes()).isEqualTo(length);
        assertThat(HEADER.dataBytes()).isBetween(0, fragmentSize);
        if (id != count - 1) {
            assertThat(HEADER.dataBytes()).isEqualTo(fragmentSize);
        }

        byte[] rebuilt = new byte[length];
        int p = FragmentHeader.write(rebuilt, 0, HEADER.sequence(), id, count);
        if (id == 0) {
            p += PacketHeader.write(rebuilt, p, HEADER.sequence(), HEADER.ack(), HEADER.ackBits());
        }
        else {
            assertThat(HEADER.ack()).isZero();
            assertThat(HEADER.ackBits()).isZero();
        }
        assertThat(p).isEqualTo(HEADER.dataOffset());
        System.arraycopy(datagram, p, rebuilt, p, length - p);
        assertThat(rebuilt).as("accepted a fragment that is not its canonical encoding").isEqualTo(datagram);
    }
}
