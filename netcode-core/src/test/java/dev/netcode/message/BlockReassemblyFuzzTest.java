package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link BlockReassembly} with any sequence of fragments, against a model.
 *
 * <p>Input: a series of fragments, each 9 header bytes: id (u8), message length (u16 LE), fragment
 * size (u16 LE), index (u16 LE), a data length byte (0 means "the right length for the index",
 * anything else that length), a fill byte; the fragment's data is its fill byte plus the index at
 * each position.
 *
 * <p>Checks, beyond "never throws": the buffer never grows beyond the maximum; a refused or
 * duplicate fragment changes nothing; a block completes exactly when every fragment of it arrived,
 * and then holds exactly the fragments' data in place.
 */
public class BlockReassemblyFuzzTest {

    private static final int MAX_BYTES = 8192;
    private static final int HEADER = 9;

    @FuzzTest
    void reassemble(byte[] input) {
        BlockReassembly block = new BlockReassembly(MAX_BYTES);
        byte[] model = new byte[MAX_BYTES];
        byte[] data = new byte[1 << 16];
        int fragmentsAdded = 0;
        for (int pos = 0; pos + HEADER <= input.length; pos += HEADER) {
            int id = input[pos] & 0xFF;
            int length = u16(input, pos + 1);
            int size = u16(input, pos + 3);
            int index = u16(input, pos + 5);
            int dataByte = input[pos + 7] & 0xFF;
            int fill = input[pos + 8];
            int dataLength = dataByte != 0 || size == 0 ? dataByte : Math.max(0, Framing.fragmentLength(length, size, index));
            for (int i = 0; i < dataLength; i++) {
                data[i] = (byte) (fill + index + i);
            }
            long before = block.receivedBytes();
            boolean wasActive = block.isActive();
            int result = block.add(id, length, size, index, data, 0, dataLength);
            assertThat(block.allocatedBytes()).isLessThanOrEqualTo(MAX_BYTES);
            switch (result) {
                case BlockReassembly.REFUSED, BlockReassembly.DUPLICATE -> {
                    assertThat(block.receivedBytes()).isEqualTo(before);
                    assertThat(block.isActive()).isEqualTo(wasActive);
                }
                case BlockReassembly.ADDED, BlockReassembly.COMPLETE -> {
                    assertThat(length).isBetween(size + 1, MAX_BYTES);
                    assertThat(dataLength).isEqualTo(Framing.fragmentLength(length, size, index));
                    System.arraycopy(data, 0, model, index * size, dataLength);
                    fragmentsAdded++;
                    assertThat(block.receivedBytes()).isEqualTo(before + dataLength).isLessThanOrEqualTo(length);
                    if (result == BlockReassembly.COMPLETE) {
                        assertThat(fragmentsAdded).isEqualTo(Framing.fragmentCount(length, size));
                        assertThat(block.receivedBytes()).isEqualTo(length);
                        assertThat(Arrays.copyOf(block.buffer(), length)).isEqualTo(Arrays.copyOf(model, length));
                        block.reset();
                        fragmentsAdded = 0;
                    }
                    else {
                        assertThat(fragmentsAdded).isLessThan(Framing.fragmentCount(length, size));
                    }
                }
                default -> throw new AssertionError("unknown result " + result);
            }
        }
    }

    private static int u16(byte[] buf, int at) {
        return (buf[at] & 0xFF) | (buf[at + 1] & 0xFF) << 8;
    }

    /** Seeds: whole blocks in order, reversed, with duplicates, interleaved with another id, and malformed fragments. */
    public static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("in-order", fragments(1, 3000, 1000, 0, 1, 2));
        seeds.put("reversed", fragments(2, 2500, 1000, 2, 1, 0));
        seeds.put("duplicates", fragments(3, 2001, 1000, 0, 0, 2, 2, 1));
        seeds.put("two-blocks", concat(fragments(4, 4096, 1024, 3, 2, 1, 0), fragments(5, 8192, 2048, 0, 1, 2, 3)));
        seeds.put("small-fragments", fragments(6, 300, 7, java.util.stream.IntStream.range(0, 43).toArray()));
        seeds.put("other-id-midway", concat(fragments(7, 3000, 1000, 0), fragments(8, 3000, 1000, 1),
                fragments(7, 3000, 1000, 1, 2)));
        seeds.put("too-large", fragments(9, MAX_BYTES + 1, 1000, 0));
        seeds.put("not-a-block", fragments(10, 1000, 1000, 0));
        byte[] wrongLength = fragments(11, 3000, 1000, 0);
        wrongLength[7] = 5;
        seeds.put("wrong-data-length", wrongLength);
        seeds.put("index-beyond", fragments(12, 3000, 1000, 3));
        return seeds;
    }

    private static byte[] fragments(int id, int length, int size, int... indexes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int index : indexes) {
            out.writeBytes(new byte[] {(byte) id, (byte) length, (byte) (length >>> 8), (byte) size, (byte) (size >>> 8),
                    (byte) index, (byte) (index >>> 8), 0, (byte) (id * 3)});
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
