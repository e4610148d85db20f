package dev.netcode.boot.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Limits how many connect tokens each principal obtains: a token bucket per principal that holds
 * {@code requestsPerMinute} requests and refills at that rate. A principal may make that many
 * requests in a burst, then one every {@code 60 / requestsPerMinute} seconds; after a minute
 * without requests the full allowance is back. Implemented as a generic cell rate algorithm, so
 * each principal costs one map entry holding a single timestamp.
 *
 * <p>Memory stays bounded: a principal whose bucket has refilled completely is indistinguishable
 * from one never seen, so its entry is dropped by a sweep that runs whenever the map has doubled
 * since the last sweep. The map therefore holds at most about twice the number of principals
 * active within the last minute (and at least {@value #MIN_SWEEP_THRESHOLD} entries before a
 * sweep). Thread-safe.
 */
public class ConnectTokenRateLimiter {

    /** Entries tolerated before the first sweep. */
    static final int MIN_SWEEP_THRESHOLD = 1024;

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int requestsPerMinute;
    private final Clock clock;
    /** Nanoseconds between two requests at the sustained rate. */
    private final long intervalNanos;
    /** How far ahead of now a principal's theoretical arrival time may run: the burst allowance. */
    private final long toleranceNanos;
    /** Principal name to theoretical arrival time (epoch nanoseconds) of its next request. */
    private final ConcurrentMap<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile int sweepThreshold = MIN_SWEEP_THRESHOLD;

    /** A limiter on the system clock. */
    public ConnectTokenRateLimiter(int requestsPerMinute) {
        this(requestsPerMinute, Clock.systemUTC());
    }

    /**
     * A limiter on {@code clock}, which tests may advance by hand.
     *
     * @param requestsPerMinute requests each principal may make per minute, at least 1
     */
    public ConnectTokenRateLimiter(int requestsPerMinute, Clock clock) {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requests per minute must be at least 1, got " + requestsPerMinute);
        }
        this.requestsPerMinute = requestsPerMinute;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intervalNanos = MINUTE_NANOS / requestsPerMinute;
        this.toleranceNanos = MINUTE_NANOS - this.intervalNanos;
    }

    /**
     * Takes one request from {@code principalName}'s allowance if it has one left.
     *
     * @return {@code 0} when the request may proceed; otherwise the whole number of seconds (at
     *         least 1) until the principal's next request would be allowed, for a
     *         {@code Retry-After} header
     */
    public long tryAcquire(String principalName) {
        long now = nowNanos();
        long[] waitNanos = new long[1];
        arrivals.compute(principalName, (name, arrival) -> {
            long earliest = (arrival == null) ? now : Math.max(arrival, now);
            if (earliest - now > toleranceNanos) {
                waitNanos[0] = earliest - toleranceNanos - now;
                return arrival;
            }
            return earliest + intervalNanos;
        });
        if (arrivals.size() > sweepThreshold) {
            sweep(now);
        }
        return (waitNanos[0] == 0) ? 0 : Math.max(1, ceilDiv(waitNanos[0], TimeUnit.SECONDS.toNanos(1)));
    }

    /** Requests each principal may make per minute. */
    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Principals currently remembered (those that used part of their allowance recently). */
    public int trackedPrincipals() {
        return arrivals.size();
    }

    /** Forgets every principal whose allowance has refilled completely. */
    public void evictIdle() {
        sweep(nowNanos());
    }

    private void sweep(long now) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            for (String name : arrivals.keySet()) {
                // Atomic per entry: never drops a principal that has just made a request.
                arrivals.computeIfPresent(name, (key, arrival) -> (arrival <= now) ? null : arrival);
            }
            sweepThreshold = Math.max(MIN_SWEEP_THRESHOLD, 2 * arrivals.size());
        }
        finally {
            sweeping.set(false);
        }
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), TimeUnit.SECONDS.toNanos(1)), now.getNano());
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }
}
