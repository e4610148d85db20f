package dev.netcode.reliable;

import java.util.Arrays;

/**
 * The slots of one window of 16-bit sequences, as the C library {@code reliable} keeps them: slot
 * {@code sequence % size} remembers which sequence it holds (or none), and {@link #next()} is one
 * past the newest sequence inserted or advanced to. Moving the window forward empties every slot it
 * passes. The caller keeps the data of each slot in its own parallel arrays, indexed by the slot
 * number these methods return.
 *
 * <p>The size is a power of two dividing 65536, so a slot's sequence stays consistent across the
 * wrap. Allocates nothing after construction.
 */
final class SequenceBuffer {

    private static final int EMPTY = -1;

    private final int[] slotSequence;
    private int next;

    SequenceBuffer(int size) {
        slotSequence = new int[size];
        reset();
    }

    /** Empty, with the window ending before sequence 0. */
    void reset() {
        next = 0;
        Arrays.fill(slotSequence, EMPTY);
    }

    /** The number of slots. */
    int size() {
        return slotSequence.length;
    }

    /** One past the newest sequence inserted or advanced to, 0..65535. */
    int next() {
        return next;
    }

    /** True when {@code s1} is newer than {@code s2} in 16-bit wrapping order (the C library's rule, ties included). */
    static boolean newer(int s1, int s2) {
        return (s1 > s2 && s1 - s2 <= 32768) || (s1 < s2 && s2 - s1 > 32768);
    }

    /** False when {@code sequence} is older than the window (the C library's {@code test_insert}). */
    boolean canInsert(int sequence) {
        return !newer((next - slotSequence.length) & 0xFFFF, sequence);
    }

    /**
     * Records {@code sequence}, first refusing it when older than the window, then moving the
     * window forward when it is newer (the C library's {@code insert}).
     *
     * @return its slot, or -1 when it is too old
     */
    int insert(int sequence) {
        if (!canInsert(sequence)) {
            return -1;
        }
        advance(sequence);
        return store(sequence);
    }

    /**
     * Records {@code sequence}, first moving the window forward when it is newer, then refusing it
     * when older than the window (the order of the C library's {@code insert_with_cleanup}, which
     * accepts some sequences about half the space ahead that {@link #insert} refuses).
     *
     * @return its slot, or -1 when it is too old
     */
    int insertAdvancingFirst(int sequence) {
        if (newer((sequence + 1) & 0xFFFF, next)) {
            advance(sequence);
        }
        else if (!canInsert(sequence)) {
            return -1;
        }
        return store(sequence);
    }

    /** Moves the window forward so that {@code sequence} is its newest, emptying the slots it passes; nothing when it is not newer. */
    void advance(int sequence) {
        if (!newer((sequence + 1) & 0xFFFF, next)) {
            return;
        }
        int start = next;
        int finish = sequence < start ? sequence + 65536 : sequence;
        if (finish - start < slotSequence.length) {
            for (int s = start; s <= finish; s++) {
                slotSequence[s % slotSequence.length] = EMPTY;
            }
        }
        else {
            Arrays.fill(slotSequence, EMPTY);
        }
        next = (sequence + 1) & 0xFFFF;
    }

    private int store(int sequence) {
        int slot = sequence % slotSequence.length;
        slotSequence[slot] = sequence;
        return slot;
    }

    /** The slot holding exactly {@code sequence}, or -1. */
    int find(int sequence) {
        int slot = sequence % slotSequence.length;
        return slotSequence[slot] == sequence ? slot : -1;
    }

    /** True when the slot of {@code sequence} holds exactly it. */
    boolean exists(int sequence) {
        return find(sequence) >= 0;
    }

    /** Empties the slot of {@code sequence} (whatever it holds, as the C library does). */
    void remove(int sequence) {
        slotSequence[sequence % slotSequence.length] = EMPTY;
    }

    /** The newest sequence of the window, {@code next() - 1}: the {@code ack} a header carries. */
    int ack() {
        return (next - 1) & 0xFFFF;
    }

    /** Bit n set: sequence {@code ack() - n} is held. */
    int ackBits() {
        int ack = ack();
        int bits = 0;
        for (int i = 0; i < 32; i++) {
            if (exists((ack - i) & 0xFFFF)) {
                bits |= 1 << i;
            }
        }
        return bits;
    }
}
