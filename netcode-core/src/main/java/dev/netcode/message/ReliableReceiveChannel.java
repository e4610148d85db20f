package dev.netcode.message;

/**
 * Receives a reliable channel: delivers every message id exactly once, in id order on an ordered
 * channel (holding messages that arrive ahead of a missing one) or on arrival on an unordered one.
 * {@code expected} is the lowest id not yet delivered (ordered) or not yet received (unordered); a
 * correct sender never sends an id {@code windowMessages} or more ahead of it, so such an id is an
 * overflow. Ids behind it are duplicates of delivered messages and ignored.
 */
final class ReliableReceiveChannel {

    /** Outcomes of {@link #check}. */
    static final int IN_WINDOW = 0;
    static final int BEHIND = 1;
    static final int OVERFLOW = 2;

    private final int channel;
    private final boolean ordered;
    private final int window;
    private final int mask;
    private final int slotBytes;
    /** Ordered: a message held for the slot's id; unordered: the slot's id was received. */
    private final boolean[] present;
    private final int[] lengths;
    private final byte[][] held;
    private final BlockReassembly block;
    private int expected;
    private long heldBytes;
    private long allocatedBytes;

    long messagesReceived;

    ReliableReceiveChannel(int channel, ChannelConfig config, int fragmentBytes) {
        this.channel = channel;
        this.ordered = config.delivery() == DeliveryMode.RELIABLE_ORDERED;
        this.window = config.windowMessages();
        int size = Integer.highestOneBit(Math.max(1, window - 1)) << 1;
        this.mask = size - 1;
        this.slotBytes = Math.min(fragmentBytes, config.maxMessageBytes());
        this.present = new boolean[size];
        this.lengths = ordered ? new int[size] : null;
        this.held = ordered ? new byte[size][] : null;
        this.block = new BlockReassembly(config.maxMessageBytes());
    }

    /** Where {@code id} falls: {@link #IN_WINDOW}, {@link #BEHIND} (a duplicate) or {@link #OVERFLOW}. */
    int check(int id) {
        int ahead = Framing.ahead(id, expected);
        if (ahead >= 0x8000) {
            return BEHIND;
        }
        return ahead < window ? IN_WINDOW : OVERFLOW;
    }

    /** A message entry (checked in window beforehand). */
    void receiveMessage(int id, byte[] buf, int offset, int length, MessageConnection.MessageReceiver receiver) {
        if (check(id) != IN_WINDOW) {
            return;
        }
        int slot = id & mask;
        if (present[slot]) {
            return;
        }
        if (!ordered) {
            present[slot] = true;
            deliver(receiver, buf, offset, length);
            advanceUnordered();
            return;
        }
        if (id == (expected & 0xFFFF)) {
            expected++;
            deliver(receiver, buf, offset, length);
            drainOrdered(receiver);
            return;
        }
        byte[] bytes = held[slot];
        if (bytes == null) {
            bytes = held[slot] = new byte[slotBytes];
            allocatedBytes += slotBytes;
        }
        System.arraycopy(buf, offset, bytes, 0, length);
        lengths[slot] = length;
        present[slot] = true;
        heldBytes += length;
    }

    /**
     * A block fragment (checked in window beforehand). The sender sends a block only once every
     * earlier message is acked, so its id is the expected one; a fragment of a later id, or one not
     * matching the block in progress, is ignored.
     *
     * @return false when the fragment was ignored as inconsistent
     */
    boolean receiveFragment(int id, int length, int fragmentSize, int index, byte[] buf, int offset, int dataLength,
            MessageConnection.MessageReceiver receiver) {
        int where = check(id);
        if (where == BEHIND) {
            return true;
        }
        if (where != IN_WINDOW || id != (expected & 0xFFFF)) {
            return false;
        }
        int result = block.add(id, length, fragmentSize, index, buf, offset, dataLength);
        if (result == BlockReassembly.REFUSED) {
            return false;
        }
        if (result == BlockReassembly.COMPLETE) {
            block.reset();
            if (ordered) {
                expected++;
                deliver(receiver, block.buffer(), 0, length);
                drainOrdered(receiver);
            }
            else {
                present[id & mask] = true;
                deliver(receiver, block.buffer(), 0, length);
                advanceUnordered();
            }
        }
        return true;
    }

    private void drainOrdered(MessageConnection.MessageReceiver receiver) {
        int slot;
        while (present[slot = expected & mask]) {
            present[slot] = false;
            heldBytes -= lengths[slot];
            expected++;
            deliver(receiver, held[slot], 0, lengths[slot]);
        }
    }

    private void advanceUnordered() {
        int slot;
        while (present[slot = expected & mask]) {
            present[slot] = false;
            expected++;
        }
    }

    private void deliver(MessageConnection.MessageReceiver receiver, byte[] buf, int offset, int length) {
        messagesReceived++;
        receiver.onMessage(channel, buf, offset, length);
    }

    /** Bytes of messages held: waiting for an earlier one, or in the block in progress. */
    long heldBytes() {
        return heldBytes + block.receivedBytes();
    }

    long allocatedBytes() {
        return allocatedBytes + block.allocatedBytes();
    }
}
