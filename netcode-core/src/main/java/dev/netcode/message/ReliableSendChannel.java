package dev.netcode.message;

import java.util.Arrays;

/**
 * Sends a reliable channel. Every message gets the next 16-bit message id and stays in the window
 * until a packet that carried it is acked; one not acked within the re-send interval goes again.
 * A message longer than {@link MessageConfig#blockFragmentBytes()} is a block: it is sent only once
 * it is the oldest message not yet acked, as fragments acked and re-sent one by one, and no later
 * message of the channel is sent before the whole block is acked (so a receiver reassembles at most
 * one block per channel). The room of acked messages is given back in id order.
 */
final class ReliableSendChannel extends SendChannel {

    private static final double NEVER = Double.NEGATIVE_INFINITY;

    private final int fragmentSize;
    private final int mask;
    private final ByteRing bytes;
    private final long[] positions;
    private final int[] lengths;
    private final double[] sendTimes;
    private final boolean[] acked;
    /** Counters (the low 16 bits are the message id): oldest held, first never sent, next to assign. */
    private int oldest;
    private int firstUnsent;
    private int next;
    private double nextResendTime = Double.POSITIVE_INFINITY;

    // The block being sent: the oldest message, when it is longer than a fragment.
    private boolean blockActive;
    private int blockFragments;
    private int blockAcked;
    private double[] fragmentSendTimes = new double[0];
    private boolean[] fragmentAcked = new boolean[0];

    ReliableSendChannel(int id, ChannelConfig config, int fragmentSize) {
        super(id, config);
        this.fragmentSize = fragmentSize;
        int size = Integer.highestOneBit(Math.max(1, config.windowMessages() - 1)) << 1;
        this.mask = size - 1;
        this.bytes = new ByteRing(config.sendQueueBytes());
        this.positions = new long[size];
        this.lengths = new int[size];
        this.sendTimes = new double[size];
        this.acked = new boolean[size];
    }

    @Override
    void enqueue(byte[] message, int offset, int length) {
        int slot = next & mask;
        positions[slot] = bytes.append(message, offset, length);
        lengths[slot] = length;
        sendTimes[slot] = NEVER;
        acked[slot] = false;
        next++;
        messagesSent++;
    }

    private boolean isBlock(int counter) {
        return lengths[counter & mask] > fragmentSize;
    }

    @Override
    void fill(PacketBuilder packet, double now, double resendInterval) {
        if (oldest == next) {
            return;
        }
        if (isBlock(oldest)) {
            fillBlock(packet, now, resendInterval);
            return;
        }
        if (now >= nextResendTime) {
            resend(packet, now, resendInterval);
        }
        while (firstUnsent != next && !isBlock(firstUnsent)) {
            if (!write(packet, firstUnsent, now)) {
                return;
            }
            nextResendTime = Math.min(nextResendTime, now + resendInterval);
            firstUnsent++;
        }
    }

    /** Re-sends what is due, and notes when the next re-send falls due. */
    private void resend(PacketBuilder packet, double now, double resendInterval) {
        double earliest = Double.POSITIVE_INFINITY;
        for (int counter = oldest; counter != firstUnsent; counter++) {
            int slot = counter & mask;
            if (acked[slot]) {
                continue;
            }
            double due = sendTimes[slot] + resendInterval;
            if (due <= now) {
                if (!write(packet, counter, now)) {
                    // No room left: try again in the next packet.
                    earliest = now;
                    break;
                }
                messagesResent++;
                due = now + resendInterval;
            }
            earliest = Math.min(earliest, due);
        }
        nextResendTime = earliest;
    }

    private boolean write(PacketBuilder packet, int counter, double now) {
        int slot = counter & mask;
        int length = lengths[slot];
        if (!packet.canRecordReliable() || Framing.messageEntryBytes(true, length) > packet.remaining()) {
            return false;
        }
        packet.pos = Framing.writeMessageHeader(packet.buf, packet.pos, id, true, counter & 0xFFFF, length);
        bytes.copy(positions[slot], packet.buf, packet.pos, length);
        packet.pos += length;
        packet.recordReliable(id, counter, -1);
        sendTimes[slot] = now;
        return true;
    }

    private void fillBlock(PacketBuilder packet, double now, double resendInterval) {
        int slot = oldest & mask;
        int length = lengths[slot];
        if (!blockActive) {
            startBlock(length);
        }
        double earliest = Double.POSITIVE_INFINITY;
        for (int index = 0; index < blockFragments; index++) {
            if (fragmentAcked[index]) {
                continue;
            }
            double due = fragmentSendTimes[index] + resendInterval;
            if (due <= now) {
                int data = Framing.fragmentLength(length, fragmentSize, index);
                if (!packet.canRecordReliable() || MessageConfig.FRAGMENT_HEADER_BYTES + data > packet.remaining()) {
                    earliest = now;
                    break;
                }
                packet.pos = Framing.writeFragmentHeader(packet.buf, packet.pos, id, oldest & 0xFFFF, length,
                        fragmentSize, index);
                bytes.copy(positions[slot] + (long) index * fragmentSize, packet.buf, packet.pos, data);
                packet.pos += data;
                packet.recordReliable(id, oldest, index);
                if (fragmentSendTimes[index] != NEVER) {
                    messagesResent++;
                }
                fragmentSendTimes[index] = now;
                due = now + resendInterval;
            }
            earliest = Math.min(earliest, due);
        }
        nextResendTime = earliest;
    }

    private void startBlock(int length) {
        blockFragments = Framing.fragmentCount(length, fragmentSize);
        if (fragmentAcked.length < blockFragments) {
            fragmentAcked = new boolean[blockFragments];
            fragmentSendTimes = new double[blockFragments];
        }
        Arrays.fill(fragmentAcked, 0, blockFragments, false);
        Arrays.fill(fragmentSendTimes, 0, blockFragments, NEVER);
        blockAcked = 0;
        blockActive = true;
        if (firstUnsent == oldest) {
            firstUnsent++;
        }
    }

    /** A packet that carried message {@code id} (or fragment {@code fragment} of it) was acked. */
    void ack(int id, int fragment) {
        int counter = oldest + ((id - oldest) & 0xFFFF);
        if (counter - oldest >= firstUnsent - oldest) {
            return;
        }
        int slot = counter & mask;
        if (fragment >= 0) {
            if (!blockActive || counter != oldest || fragment >= blockFragments || fragmentAcked[fragment]) {
                return;
            }
            fragmentAcked[fragment] = true;
            if (++blockAcked < blockFragments) {
                return;
            }
            blockActive = false;
        }
        else if (isBlock(counter)) {
            return;
        }
        acked[slot] = true;
        int released = 0;
        long releasedBytes = 0;
        while (oldest != firstUnsent && acked[oldest & mask]) {
            int oldSlot = oldest & mask;
            acked[oldSlot] = false;
            released++;
            releasedBytes += lengths[oldSlot];
            bytes.releaseTo(positions[oldSlot] + lengths[oldSlot]);
            oldest++;
        }
        if (released > 0) {
            release(released, releasedBytes);
            if (oldest != next && isBlock(oldest)) {
                // The block at the head goes out at once.
                nextResendTime = Double.NEGATIVE_INFINITY;
            }
        }
    }

    @Override
    boolean hasUnsent() {
        if (oldest != next && isBlock(oldest)) {
            return !blockActive;
        }
        return firstUnsent != next && !isBlock(firstUnsent);
    }

    @Override
    double nextResendTime() {
        return oldest == next ? Double.POSITIVE_INFINITY : nextResendTime;
    }

    @Override
    long allocatedBytes() {
        return bytes.capacity();
    }
}
