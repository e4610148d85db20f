package dev.netcode.boot.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.netcode.message.ConnectionStats;
import dev.netcode.message.MessageServer;
import dev.netcode.server.NetcodeServer;

/**
 * {@link MeterBinder} for the connections of a {@link MessageServer}: distribution summaries
 * {@code netcode.connection.rtt} (milliseconds), {@code netcode.connection.packet.loss} (percent),
 * and {@code netcode.connection.bandwidth.sent}, {@code .received} and {@code .acked} (kilobits per
 * second). Every {@link #getInterval() interval} each connected client adds one sample of its
 * connection's smoothed measurements to each, so the summaries describe the spread over clients
 * (mean, maximum, and the percentiles or histogram buckets the application configures with
 * {@code management.metrics.distribution.*}) without a tag per client, which would make a time
 * series per player.
 *
 * <p>Sampling runs on one daemon thread, started when the binder is bound and stopped by
 * {@link #close()}; it reads the message server's published statistics only, so the network thread
 * does no extra work.
 */
public class NetcodeConnectionMetrics implements MeterBinder, AutoCloseable {

    /** Default time between two samples of every connection. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final NetcodeServer server;

    private final MessageServer messages;

    private final Iterable<Tag> tags;

    private final Duration interval;

    private final List<Summaries> bound = new CopyOnWriteArrayList<>();

    private @Nullable ScheduledExecutorService sampler;

    public NetcodeConnectionMetrics(NetcodeServer server, MessageServer messages) {
        this(server, messages, null, DEFAULT_INTERVAL);
    }

    /**
     * Create a binder for the connections of {@code messages}.
     * @param server the server, for its slot count
     * @param messages the message layer whose connections to sample
     * @param tags tags to add to every meter, or {@code null}
     * @param interval the time between two samples, positive
     */
    public NetcodeConnectionMetrics(NetcodeServer server, MessageServer messages, @Nullable Iterable<Tag> tags,
            Duration interval) {
        Assert.notNull(server, "'server' must not be null");
        Assert.notNull(messages, "'messages' must not be null");
        Assert.isTrue(!interval.isNegative() && !interval.isZero(), "'interval' must be positive");
        this.server = server;
        this.messages = messages;
        this.tags = (tags != null) ? tags : List.of();
        this.interval = interval;
    }

    public Duration getInterval() {
        return this.interval;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.bound.add(new Summaries(registry, this.tags));
        startSampling();
    }

    private synchronized void startSampling() {
        if (this.sampler == null) {
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
                Thread thread = new Thread(task, "netcode-connection-metrics");
                thread.setDaemon(true);
                return thread;
            });
            long millis = this.interval.toMillis();
            executor.scheduleAtFixedRate(this::sample, millis, millis, TimeUnit.MILLISECONDS);
            this.sampler = executor;
        }
    }

    /**
     * Adds one sample per connected client to every summary; what the sampling thread runs every
     * interval.
     * @return the number of connections sampled
     */
    public int sample() {
        int sampled = 0;
        int slots = this.server.maxClients();
        for (int slot = 0; slot < slots; slot++) {
            ConnectionStats stats = this.messages.stats(slot);
            if (stats != null) {
                for (Summaries summaries : this.bound) {
                    summaries.record(stats);
                }
                sampled++;
            }
        }
        return sampled;
    }

    /** Stops sampling. */
    @Override
    public synchronized void close() {
        if (this.sampler != null) {
            this.sampler.shutdownNow();
            this.sampler = null;
        }
    }

    /** The summaries of one registry. */
    private static final class Summaries {

        private final DistributionSummary rtt;

        private final DistributionSummary loss;

        private final DistributionSummary sent;

        private final DistributionSummary received;

        private final DistributionSummary acked;

        Summaries(MeterRegistry registry, Iterable<Tag> tags) {
            this.rtt = DistributionSummary.builder("netcode.connection.rtt")
                .description("Smoothed round-trip time of the netcode server's connections, one sample per client")
                .baseUnit("milliseconds")
                .tags(tags)
                .register(registry);
            this.loss = DistributionSummary.builder("netcode.connection.packet.loss")
                .description("Smoothed share of packets to a client that were not acked, one sample per client")
                .baseUnit("percent")
                .tags(tags)
                .register(registry);
            this.sent = bandwidth(registry, tags, "sent", "sent to a client");
            this.received = bandwidth(registry, tags, "received", "received from a client");
            this.acked = bandwidth(registry, tags, "acked", "sent to a client and acked by it");
        }

        private static DistributionSummary bandwidth(MeterRegistry registry, Iterable<Tag> tags, String name,
                String what) {
            return DistributionSummary.builder("netcode.connection.bandwidth." + name)
                .description("Smoothed bandwidth " + what + ", one sample per client")
                .baseUnit("kilobits per second")
                .tags(tags)
                .register(registry);
        }

        void record(ConnectionStats stats) {
            this.rtt.record(stats.rttMillis());
            this.loss.record(stats.packetLossPercent());
            this.sent.record(stats.sentKbps());
            this.received.record(stats.receivedKbps());
            this.acked.record(stats.ackedKbps());
        }
    }

}
