package dev.netcode.fleet.redis;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.fleet.redis.test.ServerDirectoryContractTest;

/** The directory contract on a real redis-server, each test under a key prefix of its own. */
class RedisServerDirectoryContractTest extends ServerDirectoryContractTest {

    private static final AtomicInteger prefixes = new AtomicInteger();
    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected ServerDirectory newDirectory(Duration timeToLive) {
        return new RedisServerDirectory(LettuceScriptExecutor.connect(redis.uri(), Duration.ofSeconds(2)),
                "contract-" + prefixes.incrementAndGet() + ":{fleet}:", timeToLive, InstantSource.system());
    }
}
