package dev.netcode.packet;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Dropped-datagram counts by {@link DropReason}. Written by the network thread without allocating,
 * readable from any thread.
 */
public final class DropCounters {

    private final AtomicLongArray counts = new AtomicLongArray(DropReason.values().length);

    public void increment(DropReason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    /** Adds {@code count} drops for {@code reason} at once: a server adds what one update counted. */
    public void add(DropReason reason, long count) {
        counts.addAndGet(reason.ordinal(), count);
    }

    public long get(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** A snapshot of the non-zero counts. */
    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> out = new EnumMap<>(DropReason.class);
        for (int i = 0; i < counts.length(); i++) {
            long value = counts.get(i);
            if (value != 0) {
                out.put(DropReason.of(i), value);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
