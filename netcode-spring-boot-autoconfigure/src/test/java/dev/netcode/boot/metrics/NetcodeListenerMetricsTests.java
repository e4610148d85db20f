package dev.netcode.boot.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.listener.NetcodeListenerRegistry;
import dev.netcode.boot.listener.support.LoggingNetcodeListenerErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeListenerMetrics}. */
class NetcodeListenerMetricsTests {

    @Test
    void droppedPayloadsAreCountedByReason() {
        // A subclass rather than a Mockito mock: the inline mock maker would instrument the
        // dispatcher class for the whole JVM, and the dispatcher's allocation test would count it.
        NetcodeListenerDispatcher dispatcher = new NetcodeListenerDispatcher(new NetcodeListenerRegistry(),
                () -> null, (event) -> {
                }, new LoggingNetcodeListenerErrorHandler(), 1, 1, NetcodeListenerDispatcher.MIN_MAX_QUEUED_BYTES) {

            @Override
            public long payloadsDroppedQueueFull() {
                return 3;
            }

            @Override
            public long payloadsDroppedMemoryLimit() {
                return 5;
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new NetcodeListenerMetrics(dispatcher, Tags.of("app", "game")).bindTo(registry);
        assertThat(registry.get("netcode.listener.payloads.dropped").tags("reason", "queue_full", "app", "game")
            .functionCounter()
            .count()).isEqualTo(3);
        assertThat(registry.get("netcode.listener.payloads.dropped").tags("reason", "memory_limit", "app", "game")
            .functionCounter()
            .count()).isEqualTo(5);
    }

}
