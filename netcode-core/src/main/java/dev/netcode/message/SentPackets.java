package dev.netcode.message;

import java.util.Arrays;

/**
 * The reliable entries of our recent packets, by packet sequence, so that an ack of a packet marks
 * the messages and fragments it carried. As many packets as the reliable layer remembers for acks;
 * a packet whose record is overwritten before its ack arrives simply is never acked here, and its
 * entries are re-sent.
 */
final class SentPackets {

    private final int mask;
    private final int[] sequences;
    private final double[] sendTimes;
    private final int[] counts;
    private final long[] entries;

    /** @param size a power of two (the reliable layer's sent-packets buffer size) */
    SentPackets(int size) {
        this.mask = size - 1;
        this.sequences = new int[size];
        Arrays.fill(sequences, -1);
        this.sendTimes = new double[size];
        this.counts = new int[size];
        this.entries = new long[size * PacketBuilder.MAX_RELIABLE_ENTRIES];
    }

    void record(int sequence, double time, PacketBuilder packet) {
        int index = sequence & mask;
        sequences[index] = sequence;
        sendTimes[index] = time;
        counts[index] = packet.entryCount;
        System.arraycopy(packet.entries, 0, entries, index * PacketBuilder.MAX_RELIABLE_ENTRIES, packet.entryCount);
    }

    /**
     * Takes the record of packet {@code sequence} for its ack: returns its index, or -1 when there is
     * none (too old, or already acked). The record is gone afterwards.
     */
    int take(int sequence) {
        int index = sequence & mask;
        if (sequences[index] != sequence) {
            return -1;
        }
        sequences[index] = -1;
        return index;
    }

    double sendTime(int record) {
        return sendTimes[record];
    }

    int entryCount(int record) {
        return counts[record];
    }

    long entry(int record, int i) {
        return entries[record * PacketBuilder.MAX_RELIABLE_ENTRIES + i];
    }
}
