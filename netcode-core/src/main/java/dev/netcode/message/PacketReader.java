package dev.netcode.message;

/**
 * Reads the entries of one message packet and checks each against the format and the channels'
 * limits: the format byte, the kind, the channel id, canonical (shortest) varints, lengths within
 * the channel's limits and the packet, and the geometry of block fragments. It keeps no state
 * between packets and allocates nothing; what it accepts re-encodes to exactly the bytes read.
 *
 * <p>Use: {@link #start}, then {@link #next} until it returns {@link #END} (the packet is well
 * formed) or {@link #INVALID} (it must be refused as a whole); after each {@link #ENTRY} the
 * fields describe the entry.
 */
final class PacketReader {

    static final int ENTRY = 1;
    static final int END = 0;
    static final int INVALID = -1;

    private final DeliveryMode[] modes;
    private final int[] maxMessageBytes;
    /** The longest single message entry a channel accepts: reliable ones longer travel as blocks. */
    private final int[] maxEntryBytes;

    private byte[] buf;
    private int pos;
    private int end;

    // the entry just read
    int kind;
    int channel;
    /** Message id, sequence, or 0 on unreliable channels. */
    int id;
    /** Message entries: the message's length; fragments: the whole block's length. */
    int messageLength;
    int fragmentSize;
    int fragmentIndex;
    int dataOffset;
    int dataLength;

    PacketReader(MessageConfig config) {
        int count = config.channels().size();
        modes = new DeliveryMode[count];
        maxMessageBytes = new int[count];
        maxEntryBytes = new int[count];
        for (int i = 0; i < count; i++) {
            ChannelConfig channel = config.channel(i);
            modes[i] = channel.delivery();
            maxMessageBytes[i] = channel.maxMessageBytes();
            maxEntryBytes[i] = channel.delivery().isReliable()
                    ? Math.min(channel.maxMessageBytes(), config.blockFragmentBytes()) : channel.maxMessageBytes();
        }
    }

    /** The packet being read. */
    byte[] buf() {
        return buf;
    }

    /** Starts on a packet; false when it is empty or its format byte is not {@link Framing#FORMAT}. */
    boolean start(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset + 1;
        this.end = offset + length;
        return length >= 1 && buf[offset] == Framing.FORMAT;
    }

    /** Reads the next entry: {@link #ENTRY}, {@link #END} or {@link #INVALID}. */
    int next() {
        if (pos == end) {
            return END;
        }
        int header = buf[pos++] & 0xFF;
        kind = header >>> Framing.KIND_SHIFT;
        channel = header & Framing.CHANNEL_MASK;
        if (channel >= modes.length) {
            return INVALID;
        }
        DeliveryMode mode = modes[channel];
        return switch (kind) {
            case Framing.KIND_MESSAGE -> readMessage(mode);
            case Framing.KIND_FRAGMENT -> mode.isReliable() ? readFragment() : INVALID;
            default -> INVALID;
        };
    }

    private int readMessage(DeliveryMode mode) {
        id = 0;
        if (mode.hasMessageId()) {
            if (end - pos < 2) {
                return INVALID;
            }
            id = u16(pos);
            pos += 2;
        }
        int length = readVarint();
        if (length < 0 || length > maxEntryBytes[channel] || length > end - pos) {
            return INVALID;
        }
        messageLength = length;
        fragmentSize = 0;
        fragmentIndex = 0;
        dataOffset = pos;
        dataLength = length;
        pos += length;
        return ENTRY;
    }

    private int readFragment() {
        if (end - pos < MessageConfig.FRAGMENT_HEADER_BYTES - 1) {
            return INVALID;
        }
        id = u16(pos);
        long length = (buf[pos + 2] & 0xFFL) | (buf[pos + 3] & 0xFFL) << 8 | (buf[pos + 4] & 0xFFL) << 16
                | (buf[pos + 5] & 0xFFL) << 24;
        int size = u16(pos + 6);
        int index = u16(pos + 8);
        pos += MessageConfig.FRAGMENT_HEADER_BYTES - 1;
        // A block is longer than one fragment (else it would be a message entry) and within the
        // channel's limit, in at most 65535 fragments.
        if (size == 0 || length <= size || length > maxMessageBytes[channel]) {
            return INVALID;
        }
        int count = Framing.fragmentCount((int) length, size);
        if (count > 0xFFFF || index >= count) {
            return INVALID;
        }
        int data = Framing.fragmentLength((int) length, size, index);
        if (data > end - pos) {
            return INVALID;
        }
        messageLength = (int) length;
        fragmentSize = size;
        fragmentIndex = index;
        dataOffset = pos;
        dataLength = data;
        pos += data;
        return ENTRY;
    }

    /** A canonical varint of at most {@link Framing#MAX_VARINT_BYTES} bytes, or -1. */
    private int readVarint() {
        int value = 0;
        for (int i = 0; i < Framing.MAX_VARINT_BYTES; i++) {
            if (pos == end) {
                return -1;
            }
            int b = buf[pos++] & 0xFF;
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                // A continued varint whose last byte is 0 had a shorter form.
                return i > 0 && b == 0 ? -1 : value;
            }
        }
        return -1;
    }

    private int u16(int at) {
        return (buf[at] & 0xFF) | (buf[at + 1] & 0xFF) << 8;
    }
}
