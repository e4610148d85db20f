package dev.netcode.boot.token;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConnectTokenRateLimiter}.
 */
class ConnectTokenRateLimiterTests {

    private final TestClock clock = new TestClock();

    @Test
    void allowsABurstOfTheConfiguredSizeThenAsksToRetry() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(3, this.clock);
        assertThat(limiter.tryAcquire("alice")).isZero();
        assertThat(limiter.tryAcquire("alice")).isZero();
        assertThat(limiter.tryAcquire("alice")).isZero();
        assertThat(limiter.tryAcquire("alice")).isEqualTo(20);
        this.clock.advance(Duration.ofSeconds(5));
        assertThat(limiter.tryAcquire("alice")).isEqualTo(15);
    }

    @Test
    void limitsEachKeySeparately() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(1, this.clock);
        assertThat(limiter.tryAcquire("alice")).isZero();
        assertThat(limiter.tryAcquire("alice")).isEqualTo(60);
        assertThat(limiter.tryAcquire("bob")).isZero();
    }

    @Test
    void refillsAtTheSustainedRateAndFullyAfterAMinute() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(4, this.clock);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("alice")).isZero();
        }
        this.clock.advance(Duration.ofSeconds(15));
        assertThat(limiter.tryAcquire("alice")).isZero();
        assertThat(limiter.tryAcquire("alice")).isEqualTo(15);
        this.clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("alice")).isZero();
        }
        assertThat(limiter.tryAcquire("alice")).isPositive();
    }

    @Test
    void refusedRequestsDoNotPushTheWindowBack() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(2, this.clock);
        limiter.tryAcquire("alice");
        limiter.tryAcquire("alice");
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire("alice")).isEqualTo(30);
        }
        this.clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.tryAcquire("alice")).isZero();
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(60, this.clock);
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.tryAcquire("alice")).isZero();
        }
        this.clock.advance(Duration.ofMillis(999));
        assertThat(limiter.tryAcquire("alice")).isEqualTo(1);
        this.clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire("alice")).isZero();
    }

    @Test
    void forgetsKeysWhoseAllowanceHasRefilled() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(10, this.clock);
        limiter.tryAcquire("alice");
        limiter.tryAcquire("bob");
        this.clock.advance(Duration.ofSeconds(3));
        limiter.tryAcquire("bob");
        assertThat(limiter.trackedKeys()).isEqualTo(2);
        this.clock.advance(Duration.ofSeconds(3));
        limiter.evictIdle();
        assertThat(limiter.trackedKeys()).isEqualTo(1);
        this.clock.advance(Duration.ofSeconds(6));
        limiter.evictIdle();
        assertThat(limiter.trackedKeys()).isZero();
    }

    @Test
    void dropsRefilledKeysAsNewKeysArrive() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(60, this.clock);
        for (int i = 0; i < 100_000; i++) {
            assertThat(limiter.tryAcquire("player-" + i)).isZero();
            this.clock.advance(Duration.ofMillis(100));
        }
        // One request refills in one second: only the keys of the last second are live.
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(11);
    }

    @Test
    void neverHoldsMoreKeysThanItsCapacityAndForgetsTheLeastRecentlySeen() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(1, 100, this.clock);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("203.0.113." + i)).isZero();
            assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(100);
        }
        assertThat(limiter.trackedKeys()).isEqualTo(100);
        // The last 100 keys are still limited; an older one was forgotten and starts afresh.
        assertThat(limiter.tryAcquire("203.0.113.9999")).isEqualTo(60);
        assertThat(limiter.tryAcquire("203.0.113.9900")).isEqualTo(60);
        assertThat(limiter.tryAcquire("203.0.113.0")).isZero();
    }

    @Test
    void aRefusedRequestKeepsItsKeyFromBeingForgotten() {
        ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(1, 2, this.clock);
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        assertThat(limiter.tryAcquire("a")).isEqualTo(60);
        limiter.tryAcquire("c");
        assertThat(limiter.tryAcquire("a")).isEqualTo(60);
        assertThat(limiter.tryAcquire("b")).isZero();
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConnectTokenRateLimiter(0, this.clock))
            .withMessage("requests per minute must be at least 1, got 0");
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConnectTokenRateLimiter(1, 0, this.clock))
            .withMessage("capacity must be at least 1, got 0");
    }
}
