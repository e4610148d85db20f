package dev.netcode.boot.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.netcode.boot.listener.NetcodeListenerDispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** Tests for {@link NetcodeListenerMetrics}. */
class NetcodeListenerMetricsTests {

    @Test
    void droppedPayloadsAreCountedByReason() {
        NetcodeListenerDispatcher dispatcher = mock(NetcodeListenerDispatcher.class);
        given(dispatcher.payloadsDroppedQueueFull()).willReturn(3L);
        given(dispatcher.payloadsDroppedMemoryLimit()).willReturn(5L);
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
