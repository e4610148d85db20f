package dev.netcode.message;

/**
 * A circular byte buffer addressed by stream position: {@link #append} returns where the bytes
 * went, {@link #copy} reads them back by that position, {@link #releaseTo} frees everything before
 * a position. It starts small and doubles, never beyond its limit, so a channel that never queues
 * much never holds much, and a busy one stops allocating once it has grown.
 */
final class ByteRing {

    private static final int INITIAL_CAPACITY = 4096;

    private final int limit;
    private byte[] bytes;
    private long head;
    private long tail;

    /** @param limit the most bytes held at once; appends beyond are a bug of the caller's accounting */
    ByteRing(int limit) {
        this.limit = Math.max(1, limit);
        this.bytes = new byte[Math.min(INITIAL_CAPACITY, this.limit)];
    }

    /** Appends {@code src[offset, offset + length)} and returns the stream position of its first byte. */
    long append(byte[] src, int offset, int length) {
        long held = tail - head;
        if (held + length > limit) {
            throw new IllegalStateException("byte ring over its limit of " + limit + " bytes");
        }
        if (held + length > bytes.length) {
            grow(held + length);
        }
        long position = tail;
        int index = (int) (position % bytes.length);
        int first = Math.min(length, bytes.length - index);
        System.arraycopy(src, offset, bytes, index, first);
        System.arraycopy(src, offset + first, bytes, 0, length - first);
        tail += length;
        return position;
    }

    /** Copies {@code length} bytes from stream position {@code position} into {@code dst[dstOffset)}. */
    void copy(long position, byte[] dst, int dstOffset, int length) {
        int index = (int) (position % bytes.length);
        int first = Math.min(length, bytes.length - index);
        System.arraycopy(bytes, index, dst, dstOffset, first);
        System.arraycopy(bytes, 0, dst, dstOffset + first, length - first);
    }

    /** Frees everything before stream position {@code position}. */
    void releaseTo(long position) {
        head = Math.max(head, Math.min(position, tail));
    }

    /** Bytes allocated (at most the limit). */
    int capacity() {
        return bytes.length;
    }

    private void grow(long needed) {
        int capacity = bytes.length;
        while (capacity < needed) {
            capacity = (int) Math.min((long) capacity * 2, limit);
        }
        byte[] grown = new byte[capacity];
        int held = (int) (tail - head);
        copy(head, grown, (int) (head % capacity), Math.min(held, capacity - (int) (head % capacity)));
        int first = Math.min(held, capacity - (int) (head % capacity));
        if (held > first) {
            copy(head + first, grown, 0, held - first);
        }
        bytes = grown;
    }
}
