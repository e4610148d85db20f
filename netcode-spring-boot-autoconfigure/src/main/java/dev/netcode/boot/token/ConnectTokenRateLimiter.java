package dev.netcode.boot.token;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Limits requests for connect tokens per key: a principal name, or a client address (see
 * {@link ClientAddressRateLimitFilter}). A token bucket per key holds {@code requestsPerMinute}
 * requests and refills at that rate: a key may make that many requests in a burst, then one every
 * {@code 60 / requestsPerMinute} seconds; after a minute without requests the full allowance is
 * back. So within any {@code t} seconds a key gets at most
 * {@code requestsPerMinute + floor(t * requestsPerMinute / 60)} requests through. Implemented as a
 * generic cell rate algorithm, so each key costs one table entry holding a single timestamp.
 *
 * <p>Memory is bounded: the table holds at most {@code capacity} keys (about 150 bytes each with
 * a short key). Each new key first drops the least recently seen key if that one's allowance has
 * refilled completely (it is then indistinguishable from a key never seen); when the table is
 * full, it drops the least recently seen key regardless, which gives that key a fresh allowance.
 * Thread-safe; one lock, held for a few map operations.
 */
public class ConnectTokenRateLimiter {

    /** Keys a limiter holds unless told otherwise: about 10 MB at most. */
    public static final int DEFAULT_CAPACITY = 65_536;

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int requestsPerMinute;
    private final int capacity;
    private final Clock clock;
    /** Nanoseconds between two requests at the sustained rate. */
    private final long intervalNanos;
    /** How far ahead of now a key's theoretical arrival time may run: the burst allowance. */
    private final long toleranceNanos;
    /** Key to theoretical arrival time (epoch nanoseconds) of its next request, least recently seen first. */
    private final ArrivalTable arrivals;

    /** A limiter of {@value #DEFAULT_CAPACITY} keys on the system clock. */
    public ConnectTokenRateLimiter(int requestsPerMinute) {
        this(requestsPerMinute, DEFAULT_CAPACITY, Clock.systemUTC());
    }

    /** A limiter of {@value #DEFAULT_CAPACITY} keys on {@code clock}, which tests may advance by hand. */
    public ConnectTokenRateLimiter(int requestsPerMinute, Clock clock) {
        this(requestsPerMinute, DEFAULT_CAPACITY, clock);
    }

    /**
     * @param requestsPerMinute requests each key may make per minute, at least 1
     * @param capacity keys remembered at most, at least 1
     * @param clock the time source, which tests may advance by hand
     */
    public ConnectTokenRateLimiter(int requestsPerMinute, int capacity, Clock clock) {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requests per minute must be at least 1, got " + requestsPerMinute);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.requestsPerMinute = requestsPerMinute;
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intervalNanos = MINUTE_NANOS / requestsPerMinute;
        this.toleranceNanos = MINUTE_NANOS - this.intervalNanos;
        this.arrivals = new ArrivalTable(capacity);
    }

    /**
     * Takes one request from {@code key}'s allowance if it has one left.
     *
     * @return {@code 0} when the request may proceed; otherwise the whole number of seconds (at
     *         least 1) until the key's next request would be allowed, for a {@code Retry-After}
     *         header
     */
    public long tryAcquire(String key) {
        long now = nowNanos();
        long waitNanos;
        synchronized (arrivals) {
            Long arrival = arrivals.get(key);
            long earliest = (arrival == null) ? now : Math.max(arrival, now);
            waitNanos = earliest - toleranceNanos - now;
            if (waitNanos <= 0) {
                arrivals.now = now;
                arrivals.put(key, earliest + intervalNanos);
            }
        }
        return (waitNanos <= 0) ? 0 : Math.max(1, ceilDiv(waitNanos, TimeUnit.SECONDS.toNanos(1)));
    }

    /** Requests each key may make per minute. */
    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Keys remembered at most. */
    public int capacity() {
        return capacity;
    }

    /** Keys currently remembered. */
    public int trackedKeys() {
        synchronized (arrivals) {
            return arrivals.size();
        }
    }

    /** Forgets every key whose allowance has refilled completely. */
    public void evictIdle() {
        long now = nowNanos();
        synchronized (arrivals) {
            arrivals.values().removeIf((arrival) -> arrival <= now);
        }
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), TimeUnit.SECONDS.toNanos(1)), now.getNano());
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /** Access-ordered, so the eldest entry is the least recently seen key. Guarded by itself. */
    private static final class ArrivalTable extends LinkedHashMap<String, Long> {

        private final int capacity;
        /** The time of the insertion in progress. */
        private long now;

        ArrivalTable(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > capacity || eldest.getValue() <= now;
        }
    }
}
