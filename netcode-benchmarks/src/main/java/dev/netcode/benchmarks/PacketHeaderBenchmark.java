package dev.netcode.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.reliable.PacketHeader;

/**
 * Writing and reading the {@code reliable} packet header ({@link PacketHeader}) in its two
 * extreme shapes: {@code SHORT} is the 4-byte header of a lossless connection (ack within 255 of
 * the sequence, all 32 ack bits set, so every ack_bits byte is elided); {@code LONG} the 9-byte one
 * (ack further back than 255, every ack_bits byte written). The sequence moves on every call, so
 * the JIT cannot fold the result.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PacketHeaderBenchmark {

    /** The header's shape. */
    public enum Shape {
        SHORT, LONG
    }

    @Param
    Shape shape;

    private final byte[] buf = new byte[PacketHeader.MAX_BYTES];
    private final byte[] written = new byte[PacketHeader.MAX_BYTES];
    private final PacketHeader header = new PacketHeader();
    private int ackDistance;
    private int ackBits;
    private int writtenLength;
    private int sequence = 40_000;

    @Setup(Level.Trial)
    public void setUp() {
        ackDistance = shape == Shape.SHORT ? 1 : 1_000;
        ackBits = shape == Shape.SHORT ? 0xFFFFFFFF : 0x12345678;
        writtenLength = PacketHeader.write(written, 0, sequence, sequence - ackDistance, ackBits);
        int expected = shape == Shape.SHORT ? 4 : PacketHeader.MAX_BYTES;
        if (writtenLength != expected || header.read(written, 0, writtenLength) != expected || header.ackBits() != ackBits
                || header.ack() != sequence - ackDistance) {
            throw new IllegalStateException("benchmark set-up: header of " + writtenLength + " bytes does not read back");
        }
    }

    @Benchmark
    public int write() {
        int s = sequence++ & 0xFFFF;
        return PacketHeader.write(buf, 0, s, (s - ackDistance) & 0xFFFF, ackBits);
    }

    @Benchmark
    public int read() {
        // A different sequence each time (byte 1 is the sequence's low byte), so the read is not loop-invariant.
        written[1] = (byte) sequence++;
        return header.read(written, 0, writtenLength) + header.ack();
    }
}
