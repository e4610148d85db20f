package dev.netcode.boot.fleet;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.fleet.redis.RedisScript;
import dev.netcode.fleet.redis.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Tests for {@link SpringDataRedisScriptExecutor} on a real redis-server through Lettuce. */
class SpringDataRedisScriptExecutorTests {

    private RedisServerProcess redis;

    private LettuceConnectionFactory connectionFactory;

    private SpringDataRedisScriptExecutor executor;

    @BeforeEach
    void startRedis() {
        this.redis = RedisServerProcess.start();
        this.connectionFactory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(this.redis.host(), this.redis.port()),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
        this.connectionFactory.afterPropertiesSet();
        this.connectionFactory.start();
        this.executor = new SpringDataRedisScriptExecutor(this.connectionFactory);
    }

    @AfterEach
    void stopRedis() {
        this.connectionFactory.destroy();
        this.redis.close();
    }

    @Test
    void repliesAreNormalisedExactlyWhateverTheirShape() {
        assertThat(run("return 42")).isEqualTo(42L);
        assertThat(run("return {42}")).isEqualTo(List.of(42L));
        assertThat(run("return 'text'")).isEqualTo("text");
        assertThat(run("return nil")).isNull();
        assertThat(run("return false")).isNull();
        assertThat(run("return {}")).isEqualTo(List.of());
        assertThat(run("return {1, 'two', {3, 'four'}}")).isEqualTo(List.of(1L, "two", List.of(3L, "four")));
        assertThat(run("return redis.status_reply('OK')")).isEqualTo("OK");
        assertThat(run("return 'h\u00e9'")).isEqualTo("h\u00e9");
    }

    @Test
    void keysAndArgumentsArriveAsGiven() {
        RedisScript script = script("echo", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}");
        assertThat(this.executor.execute(script, List.of("k:{a}:1", "k:{a}:2"), List.of("18446744073709551615", "x y")))
            .isEqualTo(List.of("k:{a}:1", "k:{a}:2", "18446744073709551615", "x y"));
    }

    @Test
    void evalShaFallsBackToEvalWhenRedisHasNotCachedTheScriptAndCachesIt() {
        RedisScript script = script("counter", "return redis.call('INCR', KEYS[1])");
        String wrappedSha = SpringDataRedisScriptExecutor.wrap(script).sha1();
        assertThat(this.redis.command("SCRIPT", "EXISTS", wrappedSha)).isEqualTo(List.of(0L));
        assertThat(this.executor.execute(script, List.of("n"), List.of())).isEqualTo(1L);
        assertThat(this.redis.command("SCRIPT", "EXISTS", wrappedSha)).isEqualTo(List.of(1L));
        assertThat(this.executor.execute(script, List.of("n"), List.of())).isEqualTo(2L);
        this.redis.command("SCRIPT", "FLUSH");
        assertThat(this.executor.execute(script, List.of("n"), List.of())).isEqualTo(3L);
    }

    @Test
    void aFailingScriptIsAnIllegalStateWithRedisMessageAndItsOwnLineNumber() {
        RedisScript script = script("broken", "local a = 1\nlocal b = nil + a\nreturn b");
        assertThatIllegalStateException().isThrownBy(() -> this.executor.execute(script, List.of(), List.of()))
            .withMessageContaining("broken")
            .withMessageContaining(":2:");
        assertThatIllegalStateException()
            .isThrownBy(() -> this.executor.execute(script("refusing", "return redis.error_reply('BAD input')"),
                    List.of(), List.of()))
            .withMessageContaining("BAD input");
    }

    @Test
    void redisThatIsThereButNotUsableIsUnavailable() {
        assertThatExceptionOfType(ServerDirectoryUnavailableException.class)
            .isThrownBy(() -> this.executor.execute(script("loading", "return redis.error_reply('LOADING later')"),
                    List.of(), List.of()))
            .withMessageContaining("LOADING later");
        this.redis.command("CONFIG", "SET", "maxmemory", "1");
        try {
            assertThatExceptionOfType(ServerDirectoryUnavailableException.class)
                .isThrownBy(() -> this.executor.execute(script("writes", "return redis.call('INCR', KEYS[1])"),
                        List.of("counter"), List.of()))
                .withMessageContaining("OOM");
        }
        finally {
            this.redis.command("CONFIG", "SET", "maxmemory", "0");
        }
    }

    @Test
    void redisThatCannotBeReachedIsUnavailableAndNoPasswordIsShown() {
        String password = "s3cret-fleet-password";
        this.redis.command("CONFIG", "SET", "requirepass", password);
        RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(this.redis.host(), this.redis.port());
        configuration.setPassword(password);
        LettuceConnectionFactory authenticated = new LettuceConnectionFactory(configuration,
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
        authenticated.afterPropertiesSet();
        authenticated.start();
        try {
            SpringDataRedisScriptExecutor executor = new SpringDataRedisScriptExecutor(authenticated);
            assertThat(executor.execute(script("one", "return 1"), List.of(), List.of())).isEqualTo(1L);
            this.redis.kill();
            assertThatExceptionOfType(ServerDirectoryUnavailableException.class)
                .isThrownBy(() -> executor.execute(script("one", "return 1"), List.of(), List.of()))
                .satisfies((ex) -> assertThat(messages(ex)).doesNotContain(password));
        }
        finally {
            authenticated.destroy();
        }
        // A factory with a wrong password: the connection is refused (WRONGPASS), and the password is not shown.
        this.redis.restart();
        this.redis.command("CONFIG", "SET", "requirepass", "another-" + password);
        LettuceConnectionFactory wrong = new LettuceConnectionFactory(configuration,
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
        wrong.afterPropertiesSet();
        wrong.start();
        try {
            assertThatExceptionOfType(ServerDirectoryUnavailableException.class)
                .isThrownBy(() -> new SpringDataRedisScriptExecutor(wrong).execute(script("one", "return 1"),
                        List.of(), List.of()))
                .satisfies((ex) -> assertThat(messages(ex)).doesNotContain(password));
        }
        finally {
            wrong.destroy();
        }
    }

    @Test
    void closingLeavesTheApplicationsConnectionFactoryOpen() {
        this.executor.close();
        assertThat(run("return 1")).isEqualTo(1L);
        assertThat(this.connectionFactory.isRunning()).isTrue();
    }

    private Object run(String source) {
        return this.executor.execute(script("test", source), List.of(), List.of());
    }

    private static String messages(Throwable ex) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }

    static RedisScript script(String name, String source) {
        return RedisScript.of(name, source);
    }

}
