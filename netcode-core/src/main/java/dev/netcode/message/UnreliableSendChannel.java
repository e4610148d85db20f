package dev.netcode.message;

/**
 * Sends an unreliable or unreliable-sequenced channel: messages wait for the next flush, in order;
 * what that flush has no room for is dropped and counted, since a late unreliable message is worth
 * less than the next one. Sequenced messages carry the channel's 16-bit sequence.
 */
final class UnreliableSendChannel extends SendChannel {

    private final boolean sequenced;
    private final ByteRing bytes;
    private final long[] positions;
    private final int[] lengths;
    private final int[] sequences;
    private int head;
    private int count;
    private int nextSequence;

    UnreliableSendChannel(int id, ChannelConfig config) {
        super(id, config);
        this.sequenced = config.delivery() == DeliveryMode.UNRELIABLE_SEQUENCED;
        this.bytes = new ByteRing(config.sendQueueBytes());
        this.positions = new long[config.windowMessages()];
        this.lengths = new int[config.windowMessages()];
        this.sequences = new int[config.windowMessages()];
    }

    @Override
    void enqueue(byte[] message, int offset, int length) {
        int slot = (head + count) % positions.length;
        positions[slot] = bytes.append(message, offset, length);
        lengths[slot] = length;
        sequences[slot] = nextSequence;
        nextSequence = (nextSequence + 1) & 0xFFFF;
        count++;
        messagesSent++;
    }

    @Override
    void fill(PacketBuilder packet, double now, double resendInterval) {
        while (count > 0) {
            int length = lengths[head];
            int entryBytes = Framing.messageEntryBytes(sequenced, length);
            boolean oversize = false;
            if (entryBytes > packet.remaining()) {
                // Larger than a packet's budget: alone in a packet of its own, fragmented below.
                if (!packet.openOversize(entryBytes)) {
                    return;
                }
                oversize = true;
            }
            packet.pos = Framing.writeMessageHeader(packet.buf, packet.pos, id, sequenced, sequences[head], length);
            bytes.copy(positions[head], packet.buf, packet.pos, length);
            packet.pos += length;
            packet.wrote();
            pop();
            if (oversize) {
                packet.close();
                return;
            }
        }
    }

    private void pop() {
        int length = lengths[head];
        bytes.releaseTo(positions[head] + length);
        release(1, length);
        head = (head + 1) % positions.length;
        count--;
    }

    @Override
    void endFlush() {
        while (count > 0) {
            messagesDropped++;
            pop();
        }
    }

    @Override
    boolean hasUnsent() {
        return count > 0;
    }

    @Override
    double nextResendTime() {
        return Double.POSITIVE_INFINITY;
    }

    @Override
    long allocatedBytes() {
        return bytes.capacity();
    }
}
