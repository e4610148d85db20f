package dev.netcode.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.reliable.ReliableConfig;
import dev.netcode.reliable.ReliableCounter;
import dev.netcode.reliable.ReliableEndpoint;

/**
 * {@link ReliableEndpoint#update(double)} with full windows: the clock moves and packet loss and
 * the three bandwidths are recomputed over the older half of the sent and received windows (128
 * slots each with the defaults), as a game does once per tick and connection. The endpoint has
 * sent and received 1,000 packets of 100 bytes, every 8th of its own unacked, first.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReliableEndpointUpdateBenchmark {

    private ReliableEndpoint a;
    private double time;

    @Setup(Level.Trial)
    public void setUp() {
        ReliableConfig config = ReliableConfig.defaults();
        ReliableEndpoint.Processor accept = (sequence, buf, offset, length) -> true;
        ReliableEndpoint[] peer = new ReliableEndpoint[1];
        a = new ReliableEndpoint(config, 0.0, (sequence, datagram, offset, length) -> {
            if (sequence % 8 != 0) {
                peer[0].receivePacket(datagram, offset, length);
            }
        }, accept);
        peer[0] = new ReliableEndpoint(config, 0.0, (sequence, datagram, offset, length) -> a.receivePacket(datagram,
                offset, length), accept);
        byte[] payload = new byte[100];
        for (int i = 0; i < 1_000; i++) {
            time += 0.001;
            a.update(time);
            peer[0].update(time);
            a.sendPacket(payload, 0, payload.length);
            peer[0].sendPacket(payload, 0, payload.length);
            a.clearAcks();
        }
        update();
        if (a.counter(ReliableCounter.PACKETS_ACKED) < 800 || a.packetLossPercent() <= 0 || a.sentBandwidthKbps() <= 0) {
            throw new IllegalStateException("benchmark set-up: acked " + a.counter(ReliableCounter.PACKETS_ACKED)
                    + ", loss " + a.packetLossPercent() + " %, sent " + a.sentBandwidthKbps() + " kbps");
        }
    }

    @Benchmark
    public double update() {
        time += 0.001;
        a.update(time);
        return a.packetLossPercent();
    }
}
