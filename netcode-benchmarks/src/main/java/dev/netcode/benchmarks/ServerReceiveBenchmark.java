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

import dev.netcode.NetcodeProtocol;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;

/**
 * The server's steady-state receive path: datagram in, replay check, decrypt, replay window
 * advance, slot bookkeeping, and dispatch to the {@link ServerEventHandler}. A started server with
 * one connected client is fed {@value #BATCH} payload packets per invocation through
 * {@link MemoryTransport} and {@link ServerStateMachine#update}; the score is per packet.
 *
 * <p>Every packet must carry a sequence the replay window has not seen, so a batch can be read
 * only once: before each invocation (outside the timing, which at ~1 ms per invocation costs
 * nothing in accuracy) the batch is sealed again with the next {@value #BATCH} sequences, in place,
 * allocating nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ServerReceiveBenchmark {

    static final int BATCH = 1024;

    @Param({ "16", "100", "300", "1200" })
    int payloadBytes;

    private final byte[][] datagrams = new byte[BATCH][NetcodeProtocol.MAX_PACKET_BYTES];
    private final int[] lengths = new int[BATCH];
    private final Sink sink = new Sink();
    private Fixtures.ConnectedServer fixture;
    private PacketCodec clientCodec;
    private byte[] clientToServerKey;
    private byte[] payload;
    private long nextSequence = 1_000;

    /** Counts what reaches the application, so the dispatch cannot be optimised away. */
    static final class Sink implements ServerEventHandler {

        long payloads;
        long bytes;

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            payloads++;
            bytes += buf[offset] + length;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new Fixtures.ConnectedServer(sink);
        clientCodec = new PacketCodec(Fixtures.PROTOCOL_ID);
        clientToServerKey = fixture.token.clientToServerKey();
        payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i + 1);
        }
        seal();
        receiveBatch();
        if (sink.payloads != BATCH || fixture.server.dropCounters().total() != 0) {
            throw new IllegalStateException("benchmark set-up: " + sink.payloads + " payloads delivered, drops "
                    + fixture.server.dropCounters());
        }
    }

    @Setup(Level.Invocation)
    public void seal() {
        for (int i = 0; i < BATCH; i++) {
            lengths[i] = clientCodec.writePayload(datagrams[i], nextSequence++, payload, 0, payloadBytes,
                    clientToServerKey);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (fixture.server.dropCounters().total() != 0) {
            throw new IllegalStateException("server dropped packets: " + fixture.server.dropCounters());
        }
        clientCodec.close();
        fixture.server.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long receiveBatch() {
        fixture.transport.feed(Fixtures.CLIENT_ADDRESS, datagrams, lengths, BATCH);
        fixture.server.update(fixture.time);
        return sink.bytes;
    }
}
