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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.NetcodeProtocol;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;

/** Writing and reading keep-alive packets (8-byte body); reads copy the pristine packet first, as in {@link PacketBenchmark}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class KeepAliveBenchmark {

    private final byte[] key = new byte[NetcodeProtocol.KEY_BYTES];
    private final byte[] out = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final byte[] sealed = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final byte[] work = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final Packet packet = new Packet();
    private PacketCodec codec;
    private int sealedLength;
    private long sequence = 1_000_000;

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 5 + 3);
        }
        codec = new PacketCodec(Fixtures.PROTOCOL_ID);
        sealedLength = codec.writeKeepAlive(sealed, 123_456, 7, 64, key);
        if (!readKeepAlive()) {
            throw new IllegalStateException("benchmark set-up: keep-alive does not read back");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        codec.close();
    }

    @Benchmark
    public int writeKeepAlive() {
        return codec.writeKeepAlive(out, sequence++, 7, 64, key);
    }

    @Benchmark
    public boolean readKeepAlive() {
        System.arraycopy(sealed, 0, work, 0, sealedLength);
        return codec.readEncrypted(work, sealedLength, key, PacketType.CLIENT_ALLOWED, null, packet);
    }
}
