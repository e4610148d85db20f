package dev.netcode.reliable;

/**
 * The header of a fragment in the wire format of the C library {@code reliable} 1.0: the prefix
 * byte exactly {@code 0x01}, the packet's sequence (u16, little-endian), the fragment id (u8) and
 * the fragment count minus one (u8), {@link #BYTES} bytes in all. Fragment 0 then carries the
 * packet's regular {@link PacketHeader}, which must be in its canonical form (the receiver rebuilds
 * it canonically, so any other form would shift the data), and must name the same sequence. Every
 * fragment but the last carries exactly {@code fragmentSize} data bytes (after the embedded header
 * in fragment 0), the last 0 to {@code fragmentSize}.
 *
 * <p>A mutable holder so that reading allocates nothing; not thread-safe.
 */
public final class FragmentHeader {

    /** The bytes before a fragment's data (and before fragment 0's embedded header). */
    public static final int BYTES = 5;

    private static final int PREFIX = 0x01;

    private final PacketHeader embedded = new PacketHeader();
    private final byte[] canonical = new byte[PacketHeader.MAX_BYTES];
    private int sequence;
    private int fragmentId;
    private int fragmentCount;
    private int dataOffset;
    private int dataBytes;
    private int ack;
    private int ackBits;

    /**
     * Writes the {@link #BYTES}-byte header of fragment {@code fragmentId} of {@code fragmentCount}
     * (1..256) of packet {@code sequence} at {@code buf[offset)}.
     *
     * @return {@link #BYTES}
     */
    public static int write(byte[] buf, int offset, int sequence, int fragmentId, int fragmentCount) {
        buf[offset] = PREFIX;
        buf[offset + 1] = (byte) sequence;
        buf[offset + 2] = (byte) (sequence >>> 8);
        buf[offset + 3] = (byte) fragmentId;
        buf[offset + 4] = (byte) (fragmentCount - 1);
        return BYTES;
    }

    /**
     * Reads and checks the fragment in {@code buf[offset, offset + length)} as a receiver with
     * these limits does, into this holder.
     *
     * @return {@link #BYTES}, or -1 when the bytes are shorter than {@link #BYTES}, the prefix is not
     *         {@code 0x01}, the count is above {@code maxFragments}, the id is not below the count,
     *         fragment 0's embedded header is missing, truncated, names another sequence or is not
     *         canonical, the data is longer than {@code fragmentSize}, or a fragment other than the
     *         last does not carry exactly {@code fragmentSize} bytes
     */
    public int read(byte[] buf, int offset, int length, int maxFragments, int fragmentSize) {
        if (length < BYTES || (buf[offset] & 0xFF) != PREFIX) {
            return -1;
        }
        int readSequence = (buf[offset + 1] & 0xFF) | (buf[offset + 2] & 0xFF) << 8;
        int readId = buf[offset + 3] & 0xFF;
        int readCount = (buf[offset + 4] & 0xFF) + 1;
        if (readCount > maxFragments || readId >= readCount) {
            return -1;
        }
        int readAck = 0;
        int readAckBits = 0;
        int headerBytes = 0;
        if (readId == 0) {
            headerBytes = embedded.read(buf, offset + BYTES, length - BYTES);
            if (headerBytes < 0 || embedded.sequence() != readSequence) {
                return -1;
            }
            readAck = embedded.ack();
            readAckBits = embedded.ackBits();
            int canonicalBytes = PacketHeader.write(canonical, 0, readSequence, readAck, readAckBits);
            if (canonicalBytes != headerBytes) {
                return -1;
            }
            for (int i = 0; i < headerBytes; i++) {
                if (canonical[i] != buf[offset + BYTES + i]) {
                    return -1;
                }
            }
        }
        int readDataBytes = length - BYTES - headerBytes;
        if (readDataBytes > fragmentSize || (readId != readCount - 1 && readDataBytes != fragmentSize)) {
            return -1;
        }
        sequence = readSequence;
        fragmentId = readId;
        fragmentCount = readCount;
        dataOffset = BYTES + headerBytes;
        dataBytes = readDataBytes;
        ack = readAck;
        ackBits = readAckBits;
        return BYTES;
    }

    /** The packet's sequence, 0..65535. */
    public int sequence() {
        return sequence;
    }

    /** This fragment's index, 0 to {@link #fragmentCount()} - 1. */
    public int fragmentId() {
        return fragmentId;
    }

    /** How many fragments the packet has, 1..256. */
    public int fragmentCount() {
        return fragmentCount;
    }

    /** Where the data starts, relative to the datagram: after the header and, in fragment 0, the embedded header. */
    public int dataOffset() {
        return dataOffset;
    }

    /** The data bytes this fragment carries. */
    public int dataBytes() {
        return dataBytes;
    }

    /** Fragment 0's embedded ack; 0 for the other fragments. */
    public int ack() {
        return ack;
    }

    /** Fragment 0's embedded ack_bits; 0 for the other fragments. */
    public int ackBits() {
        return ackBits;
    }
}
