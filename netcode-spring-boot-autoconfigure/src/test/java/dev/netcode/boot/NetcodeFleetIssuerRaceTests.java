package dev.netcode.boot;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.testsupport.EchoClient;
import dev.netcode.boot.testsupport.FleetHttp;
import dev.netcode.boot.testsupport.FleetTestApplication;
import dev.netcode.client.ClientState;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.server.NetcodeServer;

import static dev.netcode.boot.testsupport.UdpTestClients.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race of the "done when": two token issuers (separate application contexts, no game
 * server) on one Redis, three game servers of 50 slots, 1,000 players asking for a token at once,
 * half of them at each issuer. Exactly 150 get one, the others 503 fleet-full; no server ever has
 * more reservations and connections than slots; and every player with a token connects.
 *
 * <p>The servers are three application contexts of their own (no web server), not bare
 * {@code NetcodeServer}s with announcers, so that the listing runs as in production: started and
 * withdrawn by the server's lifecycle, connected players consuming their reservations at the
 * heartbeat.
 */
class NetcodeFleetIssuerRaceTests {

    private static final int SERVERS = 3;

    private static final int SLOTS = 50;

    private static final int PLAYERS = 1_000;

    /** Requests in flight at once; Tomcat serves 200 at a time. */
    private static final int CONCURRENCY = 200;

    /** Players connecting at once: the machine has two cores for every process of the test. */
    private static final int CONNECT_BATCH = 25;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void thousandPlayersAtTwoIssuersGetExactlyTheFreeSlotsAndAllConnect() throws Exception {
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        List<EchoClient> players = new ArrayList<>();
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Map<String, NetcodeServer> servers = new HashMap<>();
            for (int i = 1; i <= SERVERS; i++) {
                ConfigurableApplicationContext server = application(redis, WebApplicationType.NONE,
                        "netcode.fleet.server-id=arena-" + i, "netcode.server.max-clients=" + SLOTS);
                contexts.add(server);
                servers.put("arena-" + i, server.getBean(NetcodeServer.class));
            }
            List<FleetHttp> issuers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ConfigurableApplicationContext issuer = application(redis, WebApplicationType.SERVLET,
                        "netcode.server.enabled=false", "netcode.token.address-rate-limit.enabled=false");
                contexts.add(issuer);
                issuers.add(new FleetHttp(issuer));
            }
            ServerDirectory directory = contexts.get(SERVERS).getBean(ServerDirectory.class);
            assertThat(await(() -> directory.servers().size() == SERVERS, 10_000)).isTrue();

            List<HttpResponse<String>> responses = requestAtOnce(issuers);

            List<JsonNode> tokens = new ArrayList<>();
            int fleetFull = 0;
            for (HttpResponse<String> response : responses) {
                if (response.statusCode() == 200) {
                    tokens.add(this.json.readTree(response.body()));
                }
                else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                    assertThat(this.json.readTree(response.body()).get("reason").asString()).isEqualTo("fleet-full");
                    fleetFull++;
                }
            }
            assertThat(tokens).hasSize(SERVERS * SLOTS);
            assertThat(fleetFull).isEqualTo(PLAYERS - SERVERS * SLOTS);
            assertNoServerOverbooked(directory);
            assertThat(directory.servers()).extracting(FleetServer::reservedSlots).containsOnly(SLOTS);
            Map<String, Integer> firstListed = new HashMap<>();
            for (JsonNode token : tokens) {
                firstListed.merge(token.get("servers").get(0).asString(), 1, Integer::sum);
            }
            assertThat(firstListed).hasSize(SERVERS).allSatisfy((address, count) -> assertThat(count).isEqualTo(SLOTS));

            // Every player with a token connects, a batch at a time; clients resend per protocol.
            for (int from = 0; from < tokens.size(); from += CONNECT_BATCH) {
                List<EchoClient> batch = new ArrayList<>();
                for (JsonNode token : tokens.subList(from, Math.min(tokens.size(), from + CONNECT_BATCH))) {
                    batch.add(EchoClient.start(Base64.getDecoder().decode(token.get("token").asString())));
                }
                players.addAll(batch);
                for (EchoClient player : batch) {
                    player.awaitConnected(10_000);
                }
                assertNoServerOverbooked(directory);
            }
            assertThat(players).allSatisfy((player) -> assertThat(player.client().state()).isEqualTo(ClientState.CONNECTED));
            assertThat(servers.values()).allSatisfy((server) -> assertThat(server.connectedClientCount()).isEqualTo(SLOTS));
            // The heartbeats turn the reservations into connections, each player counted once.
            assertThat(await(() -> directory.servers().stream()
                .allMatch((server) -> server.connectedClients() == SLOTS && server.reservedSlots() == 0), 10_000))
                .as("connections replace reservations: %s", directory.servers())
                .isTrue();
            assertNoServerOverbooked(directory);
        }
        finally {
            players.forEach(EchoClient::close);
            contexts.forEach(ConfigurableApplicationContext::close);
        }
    }

    /** Every player asks once, all released together, alternating between the issuers. */
    private static List<HttpResponse<String>> requestAtOnce(List<FleetHttp> issuers) throws Exception {
        ExecutorService requests = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < PLAYERS; i++) {
                FleetHttp issuer = issuers.get(i % issuers.size());
                String player = "player-" + i;
                pending.add(requests.submit(() -> {
                    go.await();
                    return issuer.token(player, "");
                }));
            }
            go.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : pending) {
                responses.add(response.get(2, TimeUnit.MINUTES));
            }
            return responses;
        }
        finally {
            requests.shutdownNow();
        }
    }

    private static void assertNoServerOverbooked(ServerDirectory directory) {
        assertThat(directory.servers()).hasSize(SERVERS)
            .allSatisfy((server) -> assertThat(server.connectedClients() + server.reservedSlots())
                .as(server.serverId())
                .isLessThanOrEqualTo(SLOTS));
    }

    private static ConfigurableApplicationContext application(RedisServerProcess redis, WebApplicationType type,
            String... properties) {
        return new SpringApplicationBuilder(FleetTestApplication.class).web(type)
            .properties("server.port=0", "netcode.private-key=" + NetcodeStarterEndToEndTests.KEY_HEX,
                    "netcode.protocol-id=0x4e4554434f444531", "netcode.server.bind-address=127.0.0.1:0",
                    "netcode.token.expiry=60", "netcode.fleet.directory=redis",
                    "spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
                    "spring.data.redis.timeout=5s", "logging.level.dev.netcode=WARN")
            .properties(properties)
            .run();
    }

}
