package dev.netcode.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.message.ChannelConfig;
import dev.netcode.message.ChannelStats;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageConnection;

/**
 * Messages on one channel of each {@link DeliveryMode} through a pair of {@link MessageConnection}s
 * (default {@link MessageConfig}) wired to each other in memory: every datagram A sends goes
 * straight into B's {@code receivePayload} and back. One invocation is one flush interval:
 * A queues the messages ({@code send}), the clock moves on by a tick (1/64 s), A's
 * {@code update} flushes them (packing, the reliable packet layer, B's receive, framing, windows,
 * delivery to B's receiver), then B's {@code update} sends its acks-only packet back and A
 * processes the acks (reliable channels free the acked messages). Scores are per message:
 * {@code oneMessage} has one 100-byte message per flush, {@code eightMessages} eight (one packet),
 * {@code oneLargeMessage} one of 4,000 bytes (above the packet budget of 1,024: four block
 * fragments acked one by one on reliable channels, one packet fragmented by the reliable layer on
 * unreliable ones). Both updates also run {@code ReliableEndpoint.update}, a fixed cost per
 * flush and side that {@link ReliableEndpointUpdateBenchmark} measures alone. {@code idleUpdate}
 * is one update of A with nothing to send: what {@code MessageServer} pays per connected client on
 * every server update, whichever client's datagram woke the server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MessageBenchmark {

    private static final int CHANNEL = 0;
    /**
     * The clock's step per invocation: 1/64 s, above the default flush interval of 10 ms and exact
     * in binary, so that every update flushes (with steps of exactly 0.01, rounding makes
     * {@code time - lastFlush} fall just short of 0.01 in about half the updates).
     */
    private static final double TICK_SECONDS = 1.0 / 64;

    @Param
    DeliveryMode mode;

    private MessageConnection a;
    private MessageConnection b;
    private final byte[] small = new byte[100];
    private final byte[] large = new byte[4_000];
    private double time;
    private long delivered;
    private long deliveredBytes;
    private long queued;

    @Setup(Level.Trial)
    public void setUp() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("bench", mode));
        a = new MessageConnection(config, 0.0, (buf, offset, length) -> b.receivePayload(buf, offset, length),
                (channel, buf, offset, length) -> {
                    throw new IllegalStateException("benchmark: B sent a message");
                });
        b = new MessageConnection(config, 0.0, (buf, offset, length) -> a.receivePayload(buf, offset, length),
                (channel, buf, offset, length) -> {
                    delivered++;
                    deliveredBytes += length;
                });
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) i;
        }
        System.arraycopy(large, 0, small, 0, small.length);
        // Fill every window and grow every ring to its working size before measuring.
        for (int i = 0; i < 1_000; i++) {
            oneMessage();
            eightMessages();
            oneLargeMessage();
        }
        check();
    }

    @TearDown(Level.Iteration)
    public void check() {
        // Everything queued was delivered once; on reliable channels everything was acked at once and nothing re-sent.
        ChannelStats sent = a.stats().channels().get(CHANNEL);
        if (delivered != queued || sent.messagesSent() != queued || sent.messagesDropped() != 0
                || sent.messagesResent() != 0 || (mode.isReliable() && a.bufferedBytes() != 0)) {
            throw new IllegalStateException("benchmark: queued " + queued + ", delivered " + delivered + " ("
                    + deliveredBytes + " bytes), " + sent + ", A holds " + a.bufferedBytes() + " bytes");
        }
    }

    private void flush() {
        time += TICK_SECONDS;
        a.update(time);
        b.update(time);
    }

    @Benchmark
    public long oneMessage() {
        a.send(CHANNEL, small, 0, small.length);
        queued++;
        flush();
        return delivered;
    }

    @Benchmark
    @OperationsPerInvocation(8)
    public long eightMessages() {
        for (int i = 0; i < 8; i++) {
            a.send(CHANNEL, small, 0, small.length);
        }
        queued += 8;
        flush();
        return delivered;
    }

    @Benchmark
    public double idleUpdate() {
        time += TICK_SECONDS;
        a.update(time);
        return a.nextUpdateTime();
    }

    @Benchmark
    public long oneLargeMessage() {
        a.send(CHANNEL, large, 0, large.length);
        queued++;
        flush();
        return delivered;
    }
}
