package dev.netcode.message;

/**
 * The wire format of message packets (see {@code docs/messages.md}): writers for the entries, and
 * the constants {@link PacketReader} checks against. Multi-byte integers are little-endian;
 * message lengths are unsigned LEB128 varints of at most {@value #MAX_VARINT_BYTES} bytes.
 */
final class Framing {

    /** The first byte of every packet: the format. */
    static final int FORMAT = 0;

    /** Entry kinds, bits 7-6 of an entry's first byte. */
    static final int KIND_MESSAGE = 0;
    static final int KIND_FRAGMENT = 1;

    static final int CHANNEL_MASK = 0x3F;
    static final int KIND_SHIFT = 6;

    static final int MAX_VARINT_BYTES = 3;
    /** Largest value a varint of {@link #MAX_VARINT_BYTES} bytes holds. */
    static final int MAX_VARINT_VALUE = (1 << (7 * MAX_VARINT_BYTES)) - 1;

    private Framing() {
    }

    static int varintBytes(int value) {
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
    }

    /** Bytes a message entry of {@code length} bytes takes, headers included. */
    static int messageEntryBytes(boolean withId, int length) {
        return 1 + (withId ? 2 : 0) + varintBytes(length) + length;
    }

    static int writeMessageHeader(byte[] buf, int pos, int channel, boolean withId, int id, int length) {
        buf[pos++] = (byte) (KIND_MESSAGE << KIND_SHIFT | channel);
        if (withId) {
            buf[pos++] = (byte) id;
            buf[pos++] = (byte) (id >>> 8);
        }
        while (length >= 0x80) {
            buf[pos++] = (byte) (length | 0x80);
            length >>>= 7;
        }
        buf[pos++] = (byte) length;
        return pos;
    }

    static int writeFragmentHeader(byte[] buf, int pos, int channel, int id, int messageLength, int fragmentSize,
            int index) {
        buf[pos++] = (byte) (KIND_FRAGMENT << KIND_SHIFT | channel);
        buf[pos++] = (byte) id;
        buf[pos++] = (byte) (id >>> 8);
        buf[pos++] = (byte) messageLength;
        buf[pos++] = (byte) (messageLength >>> 8);
        buf[pos++] = (byte) (messageLength >>> 16);
        buf[pos++] = (byte) (messageLength >>> 24);
        buf[pos++] = (byte) fragmentSize;
        buf[pos++] = (byte) (fragmentSize >>> 8);
        buf[pos++] = (byte) index;
        buf[pos++] = (byte) (index >>> 8);
        return pos;
    }

    /** Fragments of a block of {@code messageLength} bytes in pieces of {@code fragmentSize}. */
    static int fragmentCount(int messageLength, int fragmentSize) {
        return (int) (((long) messageLength + fragmentSize - 1) / fragmentSize);
    }

    /** Data bytes of fragment {@code index}: {@code fragmentSize}, less for the last one, 0 past the last. */
    static int fragmentLength(int messageLength, int fragmentSize, int index) {
        long remaining = messageLength - (long) index * fragmentSize;
        return remaining <= 0 ? 0 : (int) Math.min(fragmentSize, remaining);
    }

    /** Whether 16-bit id {@code a} is newer than {@code b} (wrapping, as the packet sequences). */
    static boolean newer(int a, int b) {
        return ((a - b) & 0xFFFF) - 1 < 0x7FFF;
    }

    /** How far {@code id} is ahead of {@code base}, 0..65535 (wrapping); 32768 and above means behind. */
    static int ahead(int id, int base) {
        return (id - base) & 0xFFFF;
    }
}
