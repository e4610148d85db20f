package dev.netcode.fleet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.fleet.redis.test.Await;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

class LettuceScriptExecutorTest {

    private static final RedisScript REPLIES = RedisScript.load("replies-test.lua");
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final RedisServerProcess redis = RedisServerProcess.start();
    private LettuceScriptExecutor executor;

    @AfterEach
    void close() {
        if (executor != null) {
            executor.close();
        }
        redis.close();
    }

    private Object replies() {
        return executor.execute(REPLIES, List.of("the-key"), List.of("the-arg", "nested"));
    }

    private long calls(String command) {
        String stats = (String) redis.command("INFO", "commandstats");
        return Arrays.stream(stats.split("\r\n"))
            .filter(line -> line.startsWith("cmdstat_" + command + ":calls="))
            .mapToLong(line -> Long.parseLong(line.replaceAll("^[^=]*=(\\d+),.*$", "$1")))
            .findFirst()
            .orElse(0);
    }

    @Test
    void repliesAreNormalisedAndEvalIsOnlyUsedWhenRedisDoesNotKnowTheScript() {
        executor = LettuceScriptExecutor.connect(redis.uri(), TIMEOUT);
        List<Object> expected = Arrays.asList("the-key", "the-arg", 42L, Arrays.asList("nested", null, -7L));
        assertThat(replies()).isEqualTo(expected);
        assertThat(calls("eval")).as("not cached yet").isOne();
        assertThat(replies()).isEqualTo(expected);
        assertThat(calls("evalsha")).isEqualTo(2);
        assertThat(calls("eval")).as("cached since").isOne();
        redis.command("SCRIPT", "FLUSH");
        assertThat(replies()).as("as after a Redis restart").isEqualTo(expected);
        assertThat(calls("eval")).isEqualTo(2);
    }

    @Test
    void aRedisOutOfMemoryIsUnavailableNotAnErrorOfTheScript() {
        executor = LettuceScriptExecutor.connect(redis.uri(), TIMEOUT);
        RedisScript writes = RedisScript.load("writes-test.lua");
        assertThat(executor.execute(writes, List.of("counter"), List.of())).isNotNull();
        redis.command("CONFIG", "SET", "maxmemory", "1");
        assertThatThrownBy(() -> executor.execute(writes, List.of("counter"), List.of()))
            .isInstanceOf(ServerDirectoryUnavailableException.class)
            .hasMessageContaining("OOM");
        redis.command("CONFIG", "SET", "maxmemory", "0");
        assertThat(executor.execute(writes, List.of("counter"), List.of())).isNotNull();
    }

    @Test
    void aFailingScriptIsAnIllegalStateWithRedisMessageNotAnOutage() {
        executor = LettuceScriptExecutor.connect(redis.uri(), TIMEOUT);
        assertThatThrownBy(() -> executor.execute(RedisScript.load("fails-test.lua"), List.of(), List.of()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("the script says no")
            .hasMessageContaining("fails-test.lua");
    }

    @Test
    void redisDownAtStartFailsEachCallAtOnceUntilItIsUp() {
        redis.kill();
        executor = LettuceScriptExecutor.connect(redis.uri(), TIMEOUT);
        assertThatThrownBy(this::replies).isInstanceOf(ServerDirectoryUnavailableException.class)
            .hasMessageStartingWith("Redis at 127.0.0.1:" + redis.port() + " could not be connected to")
            .hasMessageContaining("Connection refused");
        long again = System.nanoTime();
        assertThatThrownBy(this::replies).as("each call tries to connect once more")
            .isInstanceOf(ServerDirectoryUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - again)).as("Netty warmed up: refused at once")
            .isLessThan(TIMEOUT);
        redis.restart();
        assertThat(replies()).asInstanceOf(LIST).hasSize(4);
    }

    @Test
    void aScriptThatTakesLongerThanTheTimeoutMakesRedisUnavailableForThatCall() {
        executor = LettuceScriptExecutor.connect(redis.uri(), TIMEOUT);
        long start = System.nanoTime();
        assertThatThrownBy(() -> executor.execute(RedisScript.load("spin-test.lua"), List.of(), List.of("800")))
            .isInstanceOf(ServerDirectoryUnavailableException.class)
            .hasMessageContaining("did not answer spin-test.lua in time");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(750));
        Await.until("Redis to be done spinning", Duration.ofSeconds(5), () -> {
            try {
                return replies() != null;
            }
            catch (ServerDirectoryUnavailableException stillBusy) {
                return false;
            }
        });
    }

    @Test
    void thePasswordInTheUriIsInNoMessage() {
        redis.command("CONFIG", "SET", "requirepass", "correct-horse");
        executor = LettuceScriptExecutor.connect("redis://:wrong-battery@127.0.0.1:" + redis.port(), TIMEOUT);
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(this::replies);
        assertThat(failure).isInstanceOf(ServerDirectoryUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + redis.port());
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("wrong-battery");
        }
        executor.close();
        executor = LettuceScriptExecutor.connect("redis://:correct-horse@127.0.0.1:" + redis.port(), TIMEOUT);
        assertThat(replies()).asInstanceOf(LIST).hasSize(4);
        assertThatThrownBy(() -> LettuceScriptExecutor.connect("http://:correct-horse@127.0.0.1:1", TIMEOUT))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageNotContaining("correct-horse");
    }

    @Test
    void aBorrowedConnectionStaysOpen() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            executor = new LettuceScriptExecutor(connection);
            assertThat(replies()).asInstanceOf(LIST).hasSize(4);
            executor.close();
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.sync().ping()).isEqualTo("PONG");
        }
        finally {
            client.shutdown();
        }
    }
}
