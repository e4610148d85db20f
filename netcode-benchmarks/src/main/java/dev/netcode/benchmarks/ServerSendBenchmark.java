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

import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;

/**
 * The server's send path: {@link ServerStateMachine#sendPayload} to a connected, confirmed slot —
 * slot lookup, sequence, encryption, statistics — into a transport that drops the datagram.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ServerSendBenchmark {

    @Param({ "16", "100", "300", "1200" })
    int payloadBytes;

    private Fixtures.ConnectedServer fixture;
    private byte[] payload;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new Fixtures.ConnectedServer(new ServerEventHandler() {
        });
        payload = new byte[payloadBytes];
        long before = fixture.transport.sent;
        sendPayload();
        if (fixture.transport.sent != before + 1 || fixture.transport.lastSentLength < payloadBytes) {
            throw new IllegalStateException("benchmark set-up: the payload was not sent");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.server.close();
    }

    @Benchmark
    public int sendPayload() {
        fixture.server.sendPayload(0, payload, 0, payloadBytes);
        return fixture.transport.lastSentLength;
    }
}
