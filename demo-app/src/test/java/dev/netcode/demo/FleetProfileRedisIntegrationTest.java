package dev.netcode.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.demo.bots.BotFleet;
import dev.netcode.demo.game.FleetArenas;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.redis.LettuceScriptExecutor;
import dev.netcode.fleet.redis.RedisServerDirectory;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.server.NetcodeServer;

/**
 * The {@code fleet} profile with {@code netcode.fleet.directory=redis} and {@code spring.data.redis.*}
 * pointing at a real redis-server of its own (127.0.0.1, a free port): the arenas are listed in
 * Redis, where another directory on the same Redis (as another issuer or the CLI would) sees them,
 * and the bots are spread over them through it. The test runs the application itself, so that it
 * stops (withdrawing the arenas from Redis) before Redis does.
 */
class FleetProfileRedisIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RedisServerProcess redis;

    private static ConfigurableApplicationContext demo;

    private int port;

    private NetcodeServer firstServer;

    private FleetArenas arenas;

    private BotFleet bots;

    /** Another client of the same Redis, as a second issuer would be. */
    private RedisServerDirectory elsewhere;

    @BeforeAll
    static void startRedisThenTheDemo() {
        redis = RedisServerProcess.start();
        try {
            // As command-line arguments, which take precedence over application-fleet.yml.
            demo = new SpringApplicationBuilder(DemoApplication.class).profiles("fleet")
                .run("--server.port=0", "--netcode.server.bind-address=127.0.0.1:0",
                        "--demo.fleet.arenas=127.0.0.1:0,127.0.0.1:0", "--netcode.server.max-clients=2", "--demo.bots=3",
                        "--netcode.fleet.policy=spread", "--netcode.fleet.directory=redis",
                        "--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port());
        }
        catch (RuntimeException ex) {
            redis.close();
            throw ex;
        }
    }

    @AfterAll
    static void stopTheDemoThenRedis() {
        try {
            if (demo != null) {
                demo.close();
            }
        }
        finally {
            redis.close();
        }
    }

    @BeforeEach
    void connectElsewhere() {
        port = demo.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        firstServer = demo.getBean(NetcodeServer.class);
        arenas = demo.getBean(FleetArenas.class);
        bots = demo.getBean(BotFleet.class);
        elsewhere = new RedisServerDirectory(LettuceScriptExecutor.connect(redis.uri(), Duration.ofSeconds(2)));
    }

    @AfterEach
    void closeElsewhere() {
        elsewhere.close();
    }

    @Test
    void theArenasAreListedInRedis() {
        List<FleetServer> listed = elsewhere.servers();

        assertThat(listed).extracting(FleetServer::publicAddresses).containsExactly(
                List.of(firstServer.localAddress()), List.of(arenas.arenas().get(0).server().localAddress()),
                List.of(arenas.arenas().get(1).server().localAddress()));
        assertThat(listed.subList(1, 3)).extracting(FleetServer::serverId)
            .containsExactly(arenas.arenas().get(0).serverId(), arenas.arenas().get(1).serverId());
    }

    @Test
    void theBotsAreSpreadOverTheArenasThroughRedisAndTheFleetTableSaysSo() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(bots.connectedBots() == 3
                && elsewhere.servers().stream().map(FleetServer::connectedClients).toList().equals(List.of(1, 1, 1)))) {
            assertThat(System.nanoTime() - deadline).as("waited %s for a bot in each arena, seen in Redis", WAIT)
                .isNegative();
            Thread.sleep(20);
        }

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/arena/fleet")).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode table = JsonMapper.builder().build().readTree(response.body());
        assertThat(table.get("directory").asString()).isEqualTo("redis");
        assertThat(table.get("servers")).hasSize(3);
        table.get("servers").forEach(row -> assertThat(row.get("players")).hasSize(1));
    }
}
