package dev.netcode.packet;

import java.util.Arrays;

import dev.netcode.NetcodeProtocol;

/**
 * The 256-entry duplicate filter each connection applies to keep-alive, payload and disconnect
 * packets. Sequences are unsigned 64-bit values.
 *
 * <p>Callers must {@link #isAlreadyReceived check} before decrypting and {@link #advance} only
 * after the packet authenticated; advancing on an unauthenticated sequence would let anyone freeze
 * the window with one forged high sequence.
 */
public final class ReplayProtection {

    private static final int SIZE = NetcodeProtocol.REPLAY_PROTECTION_BUFFER_SIZE;
    /** The reference marks empty cells with the all-ones sequence; we do the same. */
    private static final long EMPTY = -1L;

    private final long[] received = new long[SIZE];
    private long mostRecentSequence;

    public ReplayProtection() {
        reset();
    }

    public void reset() {
        mostRecentSequence = 0;
        Arrays.fill(received, EMPTY);
    }

    /** Whether {@code sequence} is too old or was already received. */
    public boolean isAlreadyReceived(long sequence) {
        // Written as a subtraction so it cannot wrap near 2^64.
        if (Long.compareUnsigned(mostRecentSequence, SIZE) >= 0
                && Long.compareUnsigned(sequence, mostRecentSequence - SIZE) <= 0) {
            return true;
        }
        long stored = received[index(sequence)];
        if (stored == EMPTY) {
            return false;
        }
        return Long.compareUnsigned(stored, sequence) >= 0;
    }

    /** Records an authenticated {@code sequence}. */
    public void advance(long sequence) {
        if (Long.compareUnsigned(sequence, mostRecentSequence) > 0) {
            mostRecentSequence = sequence;
        }
        received[index(sequence)] = sequence;
    }

    public long mostRecentSequence() {
        return mostRecentSequence;
    }

    private static int index(long sequence) {
        return (int) (sequence & (SIZE - 1));
    }
}
