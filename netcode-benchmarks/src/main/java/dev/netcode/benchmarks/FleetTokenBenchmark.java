package dev.netcode.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.IssuedConnectToken;
import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.LettuceScriptExecutor;
import dev.netcode.fleet.redis.RedisServerDirectory;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * Tokens per second and latency per token as a backend issues them (the starter's
 * {@link ConnectTokenIssuer}, minting included), without a fleet ({@code none}: the configured
 * addresses) and with the Redis directory, where each token first reserves a slot in one Lua
 * script. Four threads share one issuer, as a web server's request threads do; the Redis one is a
 * real {@code redis-server} on 127.0.0.1 named by {@code NETCODE_BENCH_REDIS} (benchmarks/run.sh
 * starts one). Tokens expire after a second unused, so reservations lapse as fast as they are made
 * and the fleet never fills: every call is a successful reservation.
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
@State(Scope.Benchmark)
public class FleetTokenBenchmark {

    /** {@code none} (no directory) or {@code redis}. */
    @Param({ "none", "redis" })
    public String directory;

    /** Servers in the fleet: the Redis directory reads each one's slots per reservation. */
    @Param({ "8", "64" })
    public int servers;

    private ServerDirectory fleet;
    private final List<FleetAnnouncer> announcers = new ArrayList<>();
    private ConnectTokenIssuer issuer;
    private final AtomicLong clientIds = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        ConnectTokenGenerator generator = new ConnectTokenGenerator(Fixtures.PRIVATE_KEY, Fixtures.PROTOCOL_ID);
        Duration expiry = Duration.ofSeconds(1);
        Duration timeout = Duration.ofSeconds(10);
        if (directory.equals("none")) {
            issuer = new ConnectTokenIssuer(generator, () -> List.of(Fixtures.SERVER_ADDRESS), expiry, timeout);
            return;
        }
        String uri = System.getenv("NETCODE_BENCH_REDIS");
        if (uri == null) {
            throw new IllegalStateException("set NETCODE_BENCH_REDIS=redis://127.0.0.1:PORT (benchmarks/run.sh does)");
        }
        fleet = new RedisServerDirectory(LettuceScriptExecutor.connect(uri, Duration.ofSeconds(2)));
        Instant startedAt = Instant.now();
        for (int i = 0; i < servers; i++) {
            ServerAnnouncement announcement = new ServerAnnouncement("bench-" + i, Fixtures.PROTOCOL_ID,
                    List.of(NetcodeAddress.parse("127.0.0.1:" + (41000 + i))), 4096, Set.of(), Map.of("region", "eu"),
                    startedAt);
            FleetAnnouncer announcer = new FleetAnnouncer(fleet, announcement.serverId(), () -> announcement,
                    FleetAnnouncer.DEFAULT_INTERVAL);
            announcer.start();
            announcers.add(announcer);
        }
        issuer = new ConnectTokenIssuer(generator, fleet, SelectionPolicy.SPREAD, 2, expiry, timeout);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        announcers.forEach(FleetAnnouncer::close);
        issuer.close();
        if (fleet != null) {
            fleet.close();
        }
    }

    @Benchmark
    public IssuedConnectToken issueToken() {
        return issuer.issue(clientIds.incrementAndGet(), null);
    }
}
