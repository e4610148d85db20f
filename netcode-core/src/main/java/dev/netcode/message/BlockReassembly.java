package dev.netcode.message;

import java.util.Arrays;

/**
 * Puts one block (a reliable message sent as fragments) back together. It holds at most one block
 * at a time, of at most {@code maxBytes}: the buffer grows to the largest block seen, never beyond.
 * It checks every fragment itself, whatever its caller checked: geometry (length, fragment size,
 * index, data length) and consistency with the block in progress; a fragment that does not fit is
 * refused and changes nothing.
 */
final class BlockReassembly {

    static final int ADDED = 0;
    static final int COMPLETE = 1;
    static final int DUPLICATE = 2;
    static final int REFUSED = 3;

    private final int maxBytes;
    private byte[] buffer = new byte[0];
    private long[] received = new long[0];
    private boolean active;
    private int id;
    private int length;
    private int fragmentSize;
    private int fragmentCount;
    private int receivedCount;
    private long receivedBytes;

    BlockReassembly(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Adds fragment {@code index} of block {@code id} (of {@code length} bytes in fragments of
     * {@code fragmentSize}), whose data is {@code src[offset, offset + dataLength)}.
     *
     * @return {@link #ADDED}, {@link #COMPLETE} (the block is whole: read it, then {@link #reset}),
     *         {@link #DUPLICATE} (that fragment is already here) or {@link #REFUSED}
     */
    int add(int id, int length, int fragmentSize, int index, byte[] src, int offset, int dataLength) {
        if (fragmentSize <= 0 || length <= fragmentSize || length > maxBytes) {
            return REFUSED;
        }
        int count = Framing.fragmentCount(length, fragmentSize);
        if (count > 0xFFFF || index < 0 || index >= count
                || dataLength != Framing.fragmentLength(length, fragmentSize, index)) {
            return REFUSED;
        }
        if (active && (id != this.id || length != this.length || fragmentSize != this.fragmentSize)) {
            return REFUSED;
        }
        if (!active) {
            begin(id, length, fragmentSize, count);
        }
        long bit = 1L << (index & 63);
        if ((received[index >>> 6] & bit) != 0) {
            return DUPLICATE;
        }
        received[index >>> 6] |= bit;
        System.arraycopy(src, offset, buffer, index * fragmentSize, dataLength);
        receivedCount++;
        receivedBytes += dataLength;
        return receivedCount == fragmentCount ? COMPLETE : ADDED;
    }

    private void begin(int id, int length, int fragmentSize, int count) {
        if (buffer.length < length) {
            // Doubling, so a channel of growing blocks allocates a few times, not once per block.
            buffer = new byte[(int) Math.min(maxBytes, Math.max(length, 2L * buffer.length))];
        }
        int words = (count + 63) >>> 6;
        if (received.length < words) {
            received = new long[Math.max(words, 2 * received.length)];
        }
        Arrays.fill(received, 0, words, 0L);
        this.active = true;
        this.id = id;
        this.length = length;
        this.fragmentSize = fragmentSize;
        this.fragmentCount = count;
        this.receivedCount = 0;
        this.receivedBytes = 0;
    }

    /** Forgets the block in progress (keeps the buffers). */
    void reset() {
        active = false;
        receivedCount = 0;
        receivedBytes = 0;
    }

    boolean isActive() {
        return active;
    }

    /** The buffer holding the block's bytes from index 0; whole only after {@link #COMPLETE}. */
    byte[] buffer() {
        return buffer;
    }

    /** Data bytes of the block in progress received so far. */
    long receivedBytes() {
        return receivedBytes;
    }

    long allocatedBytes() {
        return buffer.length;
    }
}
