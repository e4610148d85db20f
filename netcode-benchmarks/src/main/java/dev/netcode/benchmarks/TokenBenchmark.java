package dev.netcode.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * Minting one connect token as a backend does per login: random keys and nonce, the private
 * token sealed with XChaCha20-Poly1305, and the 2048 bytes a client receives.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TokenBenchmark {

    private final ConnectTokenGenerator generator = Fixtures.tokens();
    private final List<NetcodeAddress> servers = List.of(Fixtures.SERVER_ADDRESS);
    private final byte[] userData = new byte[256];
    private long clientId;

    @Benchmark
    public byte[] generateConnectToken() {
        return generator.generate(++clientId, servers, 30, 15, userData).toBytes();
    }
}
