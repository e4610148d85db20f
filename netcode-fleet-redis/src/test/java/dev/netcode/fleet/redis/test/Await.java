package dev.netcode.fleet.redis.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assertions;

/** Waits for a condition by polling it, failing with {@code what} after the timeout. */
public final class Await {

    private Await() {
    }

    /** @return how long it took */
    public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                Assertions.fail("waited " + timeout.toMillis() + " ms for " + what);
            }
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, ex);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
