package dev.netcode.boot.metrics;

import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.netcode.packet.DropCounters;
import dev.netcode.packet.DropReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerStatistics;

/**
 * {@link MeterBinder} for a {@link NetcodeServer}:
 * <ul>
 * <li>gauges {@code netcode.server.connections} (connected clients) and
 * {@code netcode.server.max.connections} (slots);</li>
 * <li>function counters {@code netcode.server.packets.received}, {@code netcode.server.packets.sent},
 * {@code netcode.server.connections.accepted}, {@code netcode.server.connections.denied} and
 * {@code netcode.server.packets.dropped}, the last one once per {@link DropReason} with tag
 * {@code reason} (the lower-case reason name, for example {@code replayed}).</li>
 * </ul>
 * Every meter is registered once, when bound, and reads the server's non-blocking totals (which
 * survive restarts) when it is polled, so the network thread does no extra work.
 */
public class NetcodeServerMetrics implements MeterBinder {

    private final NetcodeServer server;

    private final Iterable<Tag> tags;

    public NetcodeServerMetrics(NetcodeServer server) {
        this(server, null);
    }

    /**
     * Create a binder for {@code server}.
     * @param server the server to observe
     * @param tags tags to add to every meter, or {@code null}
     */
    public NetcodeServerMetrics(NetcodeServer server, @Nullable Iterable<Tag> tags) {
        Assert.notNull(server, "'server' must not be null");
        this.server = server;
        this.tags = (tags != null) ? tags : List.of();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("netcode.server.connections", this.server, NetcodeServer::connectedClientCount)
            .description("Clients connected to the netcode server")
            .baseUnit("connections")
            .tags(this.tags)
            .register(registry);
        Gauge.builder("netcode.server.max.connections", this.server, NetcodeServer::maxClients)
            .description("Client slots of the netcode server")
            .baseUnit("connections")
            .tags(this.tags)
            .register(registry);
        ServerStatistics statistics = this.server.statistics();
        FunctionCounter.builder("netcode.server.packets.received", statistics, ServerStatistics::packetsReceived)
            .description("Datagrams the netcode server received and accepted")
            .baseUnit("packets")
            .tags(this.tags)
            .register(registry);
        FunctionCounter.builder("netcode.server.packets.sent", statistics, ServerStatistics::packetsSent)
            .description("Datagrams the netcode server sent")
            .baseUnit("packets")
            .tags(this.tags)
            .register(registry);
        FunctionCounter
            .builder("netcode.server.connections.accepted", statistics, ServerStatistics::connectionsAccepted)
            .description("Clients that completed the handshake and got a slot")
            .baseUnit("connections")
            .tags(this.tags)
            .register(registry);
        FunctionCounter.builder("netcode.server.connections.denied", statistics, ServerStatistics::connectionsDenied)
            .description("Handshakes answered with 'denied' because every slot was taken")
            .baseUnit("connections")
            .tags(this.tags)
            .register(registry);
        FunctionCounter
            .builder("netcode.server.handshakes.superseded", statistics, ServerStatistics::handshakesSuperseded)
            .description("Pending handshakes given up because the same client started a newer one")
            .baseUnit("connections")
            .tags(this.tags)
            .register(registry);
        DropCounters drops = statistics.drops();
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("netcode.server.packets.dropped", drops, (counters) -> counters.get(reason))
                .description("Datagrams the netcode server dropped, by reason")
                .baseUnit("packets")
                .tags(Tags.concat(this.tags, "reason", reason.name().toLowerCase(Locale.ROOT)))
                .register(registry);
        }
    }

}
