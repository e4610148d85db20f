package dev.netcode.boot.metrics;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.netcode.boot.listener.NetcodeListenerDispatcher;

/**
 * {@link MeterBinder} for a {@link NetcodeListenerDispatcher}: function counters
 * {@code netcode.listener.errors} (exceptions thrown by listeners) and
 * {@code netcode.listener.payloads.dropped} (payloads dropped, tagged {@code reason}: {@code queue_full}
 * when their client's queue was full, {@code memory_limit} when all clients' payloads held
 * {@code netcode.listener.max-queued-bytes}),
 * {@code netcode.listener.reliable.overruns} (clients disconnected because a reliable channel's
 * message found no room, see {@link NetcodeListenerDispatcher#onMessage}),
 * and gauge {@code netcode.listener.queued} (payloads waiting now). All read the dispatcher's
 * non-blocking counters when polled.
 */
public class NetcodeListenerMetrics implements MeterBinder {

    private final NetcodeListenerDispatcher dispatcher;

    private final Iterable<Tag> tags;

    public NetcodeListenerMetrics(NetcodeListenerDispatcher dispatcher) {
        this(dispatcher, null);
    }

    /**
     * Create a binder for {@code dispatcher}.
     * @param dispatcher the dispatcher to observe
     * @param tags tags to add to every meter, or {@code null}
     */
    public NetcodeListenerMetrics(NetcodeListenerDispatcher dispatcher, @Nullable Iterable<Tag> tags) {
        Assert.notNull(dispatcher, "'dispatcher' must not be null");
        this.dispatcher = dispatcher;
        this.tags = (tags != null) ? tags : List.of();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("netcode.listener.errors", this.dispatcher, NetcodeListenerDispatcher::listenerErrors)
            .description("Exceptions thrown by @NetcodeListener methods")
            .baseUnit("errors")
            .tags(this.tags)
            .register(registry);
        bindDropped(registry, "queue_full", NetcodeListenerDispatcher::payloadsDroppedQueueFull);
        bindDropped(registry, "memory_limit", NetcodeListenerDispatcher::payloadsDroppedMemoryLimit);
        FunctionCounter
            .builder("netcode.listener.reliable.overruns", this.dispatcher,
                    NetcodeListenerDispatcher::reliableDropDisconnects)
            .description("Clients disconnected because a message of a reliable channel found no room for its "
                    + "@NetcodeListener")
            .baseUnit("connections")
            .tags(this.tags)
            .register(registry);
        Gauge.builder("netcode.listener.queued", this.dispatcher, NetcodeListenerDispatcher::queuedPayloads)
            .description("Payloads waiting for a @NetcodeListener method")
            .baseUnit("payloads")
            .tags(this.tags)
            .register(registry);
    }

    private void bindDropped(MeterRegistry registry, String reason, ToDoubleFunction<NetcodeListenerDispatcher> count) {
        FunctionCounter.builder("netcode.listener.payloads.dropped", this.dispatcher, count)
            .description("Payloads dropped before reaching a @NetcodeListener method, by reason")
            .baseUnit("payloads")
            .tags(Tags.concat(this.tags, "reason", reason))
            .register(registry);
    }

}
