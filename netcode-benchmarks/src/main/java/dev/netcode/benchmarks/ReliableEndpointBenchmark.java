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

import dev.netcode.reliable.ReliableConfig;
import dev.netcode.reliable.ReliableCounter;
import dev.netcode.reliable.ReliableEndpoint;

/**
 * Two {@link ReliableEndpoint}s with the default config wired to each other in memory: each
 * transmitted datagram goes straight into the peer's {@code receivePacket}. One invocation is an
 * exchange: A sends a packet of {@code payloadBytes}, B receives it; B sends one of the same size
 * back, A receives it; each side then reads and clears its acks. So acks flow both ways, as in an
 * echo, and every packet after the first acks the previous one. Scores are per packet (sent and
 * received: header write, copy, fragment split, header read, sequence windows, ack processing,
 * RTT); 4096 bytes is above {@code fragmentAbove} (1024), so it travels as 4 fragments of 1 KiB
 * and is reassembled. {@code update} (loss and bandwidth over the windows, which a game calls once
 * per tick, not per packet) is measured on its own by {@link ReliableEndpointUpdateBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReliableEndpointBenchmark {

    @Param({ "16", "100", "1000", "4096" })
    int payloadBytes;

    private ReliableEndpoint a;
    private ReliableEndpoint b;
    private byte[] payload;
    private long delivered;
    private long deliveredBytes;
    private long acks;

    @Setup(Level.Trial)
    public void setUp() {
        ReliableConfig config = ReliableConfig.defaults();
        ReliableEndpoint.Processor processor = (sequence, buf, offset, length) -> {
            delivered++;
            deliveredBytes += length;
            return true;
        };
        a = new ReliableEndpoint(config, 0.0, (sequence, datagram, offset, length) -> b.receivePacket(datagram, offset,
                length), processor);
        b = new ReliableEndpoint(config, 0.0, (sequence, datagram, offset, length) -> a.receivePacket(datagram, offset,
                length), processor);
        payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        // Fill every window (and allocate every reassembly buffer a steady state uses) before measuring.
        for (int i = 0; i < 1_000; i++) {
            exchange();
        }
        if (delivered != 2_000 || deliveredBytes != 2_000L * payloadBytes || acks < 2 * 999) {
            throw new IllegalStateException("benchmark set-up: delivered " + delivered + " packets (" + deliveredBytes
                    + " bytes), " + acks + " acks");
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        // Every packet delivered and every packet but the last of each side acked; nothing invalid.
        long sent = a.counter(ReliableCounter.PACKETS_SENT) + b.counter(ReliableCounter.PACKETS_SENT);
        if (delivered != sent || acks < sent - 2 || a.counter(ReliableCounter.PACKETS_INVALID) != 0
                || b.counter(ReliableCounter.FRAGMENTS_INVALID) != 0) {
            throw new IllegalStateException("benchmark: sent " + sent + ", delivered " + delivered + ", acked " + acks);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long exchange() {
        a.sendPacket(payload, 0, payloadBytes);
        b.sendPacket(payload, 0, payloadBytes);
        acks += a.ackCount() + b.ackCount();
        a.clearAcks();
        b.clearAcks();
        return acks;
    }
}
