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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.NetcodeProtocol;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;

/**
 * Writing (encrypting) and reading (decrypting) payload packets with {@link PacketCodec}, by
 * payload size. A read decrypts in place, so each read first copies the pristine packet into the
 * work buffer, as a transport copies each datagram out of its socket buffer; the copy is part of
 * the figure (tens of nanoseconds at 1200 bytes). The replay window is left out here
 * ({@link ReplayBenchmark} has it), so one packet can be read again and again.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PacketBenchmark {

    @Param({ "16", "100", "300", "1200" })
    int payloadBytes;

    private final byte[] key = new byte[NetcodeProtocol.KEY_BYTES];
    private final byte[] out = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final byte[] sealed = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final byte[] work = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final Packet packet = new Packet();
    private PacketCodec codec;
    private byte[] payload;
    private int sealedLength;
    private long sequence = 1_000_000;

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        codec = new PacketCodec(Fixtures.PROTOCOL_ID);
        payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        sealedLength = codec.writePayload(sealed, 123_456, payload, 0, payloadBytes, key);
        if (!readPayload()) {
            throw new IllegalStateException("benchmark set-up: payload packet does not read back");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        codec.close();
    }

    @Benchmark
    public int writePayload() {
        return codec.writePayload(out, sequence++, payload, 0, payloadBytes, key);
    }

    @Benchmark
    public boolean readPayload() {
        System.arraycopy(sealed, 0, work, 0, sealedLength);
        return codec.readEncrypted(work, sealedLength, key, PacketType.SERVER_ALLOWED, null, packet);
    }
}
