package dev.netcode.reliable;

/**
 * The header of a regular (unfragmented) packet in the wire format of the C library
 * {@code reliable} 1.0: the packet's 16-bit sequence, the newest sequence received from the peer
 * ({@code ack}) and a 32-bit field whose bit n says that {@code ack - n} was received (bit 0 is
 * {@code ack} itself, as the C library has it; its STANDARD.md is off by one).
 *
 * <p>Layout, little-endian, 4 to 9 bytes: a prefix byte (bit 0 clear for a regular packet; bit
 * 1 + i set when byte i of {@code ack_bits} is written, i.e. is not {@code 0xff}; bit 5 set when
 * the ack is written as its 1-byte distance below the sequence), the sequence (u16), the ack as
 * that distance (u8, when {@code (sequence - ack) mod 2^16 <= 255}) or in full (u16), then the
 * {@code ack_bits} bytes that are not {@code 0xff}, lowest first. Writers always elide both ways
 * (canonical form); readers accept any form and ignore prefix bits 6 and 7, as the C library does.
 *
 * <p>A mutable holder so that reading allocates nothing; not thread-safe.
 */
public final class PacketHeader {

    /** The longest header: prefix, sequence, a 16-bit ack and all four ack_bits bytes. */
    public static final int MAX_BYTES = 9;

    private static final int FRAGMENT_BIT = 0x01;
    private static final int SHORT_ACK_BIT = 0x20;

    private int sequence;
    private int ack;
    private int ackBits;

    /**
     * Writes the canonical header for {@code sequence}, {@code ack} (both 0..65535) and
     * {@code ackBits} at {@code buf[offset)}.
     *
     * @return the bytes written, 4 to {@link #MAX_BYTES}
     */
    public static int write(byte[] buf, int offset, int sequence, int ack, int ackBits) {
        int prefix = 0;
        int position = offset + 3;
        int distance = (sequence - ack) & 0xFFFF;
        if (distance <= 0xFF) {
            prefix |= SHORT_ACK_BIT;
            buf[position++] = (byte) distance;
        }
        else {
            buf[position++] = (byte) ack;
            buf[position++] = (byte) (ack >>> 8);
        }
        for (int i = 0; i < 4; i++) {
            int b = (ackBits >>> (8 * i)) & 0xFF;
            if (b != 0xFF) {
                prefix |= 1 << (1 + i);
                buf[position++] = (byte) b;
            }
        }
        buf[offset] = (byte) prefix;
        buf[offset + 1] = (byte) sequence;
        buf[offset + 2] = (byte) (sequence >>> 8);
        return position - offset;
    }

    /**
     * Reads a regular packet's header from {@code buf[offset, offset + length)} into this holder.
     *
     * @return the header's length, or -1 when the bytes are too short for what the prefix announces
     *         or the prefix marks a fragment
     */
    public int read(byte[] buf, int offset, int length) {
        if (length < 3) {
            return -1;
        }
        int prefix = buf[offset] & 0xFF;
        if ((prefix & FRAGMENT_BIT) != 0) {
            return -1;
        }
        int end = offset + length;
        int position = offset + 3;
        int readSequence = (buf[offset + 1] & 0xFF) | (buf[offset + 2] & 0xFF) << 8;
        int readAck;
        if ((prefix & SHORT_ACK_BIT) != 0) {
            if (position + 1 > end) {
                return -1;
            }
            readAck = (readSequence - (buf[position++] & 0xFF)) & 0xFFFF;
        }
        else {
            if (position + 2 > end) {
                return -1;
            }
            readAck = (buf[position] & 0xFF) | (buf[position + 1] & 0xFF) << 8;
            position += 2;
        }
        int readAckBits = 0xFFFFFFFF;
        for (int i = 0; i < 4; i++) {
            if ((prefix & (1 << (1 + i))) != 0) {
                if (position + 1 > end) {
                    return -1;
                }
                readAckBits &= ~(0xFF << (8 * i));
                readAckBits |= (buf[position++] & 0xFF) << (8 * i);
            }
        }
        sequence = readSequence;
        ack = readAck;
        ackBits = readAckBits;
        return position - offset;
    }

    /** The packet's sequence, 0..65535. */
    public int sequence() {
        return sequence;
    }

    /** The newest sequence the sender had received from its peer, 0..65535. */
    public int ack() {
        return ack;
    }

    /** Bit n set: the sender had received sequence {@code ack - n}. */
    public int ackBits() {
        return ackBits;
    }
}
