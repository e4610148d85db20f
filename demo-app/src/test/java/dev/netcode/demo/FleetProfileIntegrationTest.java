package dev.netcode.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.demo.client.TokenClient;
import dev.netcode.demo.game.EventMessages;
import dev.netcode.demo.game.FleetArenas;
import dev.netcode.demo.game.GameChannels;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.demo.game.GameMessages;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.server.NetcodeServer;
import dev.netcode.token.ConnectTokenGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code fleet} profile on 127.0.0.1, over real HTTP and UDP, port 0 everywhere: three arenas
 * (the starter's server and two of the demo's own) in the fleet directory.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "demo.fleet.arenas=127.0.0.1:0,127.0.0.1:0",
                "netcode.server.max-clients=2", "demo.bots=0" })
@ActiveProfiles("fleet")
class FleetProfileIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final JsonMapper json = JsonMapper.builder().build();

    @Value("${local.server.port}")
    private int port;

    @Autowired
    private NetcodeServer firstServer;

    @Autowired
    private FleetArenas arenas;

    @Autowired
    private ServerDirectory directory;

    @Autowired
    private NetcodePrivateKey privateKey;

    @TestConfiguration
    static class Directory {
        @Bean
        ServerDirectory directory() {
            return new InMemoryServerDirectory();
        }
    }

    @Test
    void theDemosArenasAreListedInTheDirectory() {
        assertThat(arenas.arenas()).hasSize(2);
        List<String> ids = arenas.arenas().stream().map(FleetArenas.ArenaServer::serverId).toList();
        assertThat(directory.servers()).extracting(FleetServer::serverId).containsAll(ids);
        for (FleetArenas.ArenaServer arena : arenas.arenas()) {
            FleetServer listed = directory.servers().stream().filter(s -> s.serverId().equals(arena.serverId()))
                .findFirst().orElseThrow();
            assertThat(listed.publicAddresses()).containsExactly(arena.server().localAddress());
            assertThat(listed.maxClients()).isEqualTo(2);
            assertThat(listed.protocolId()).isEqualTo(firstServer.config().protocolId());
        }
    }

    /** A client with a token for the second arena plays there: snapshots, its join, its arena on the fleet table. */
    @Test
    void anArenaOfTheDemoRunsTheGame() throws Exception {
        FleetArenas.ArenaServer second = arenas.arenas().get(0);
        byte[] token;
        try (ConnectTokenGenerator tokens = new ConnectTokenGenerator(privateKey.bytes(), firstServer.config().protocolId())) {
            byte[] userData = new byte[256];
            System.arraycopy("carol".getBytes(), 0, userData, 0, 5);
            token = tokens.generate(42, List.of(second.server().localAddress()), 30, 10, userData).toBytes();
        }
        List<GameMessages.Snapshot> snapshots = new CopyOnWriteArrayList<>();
        List<GameEvent> events = new CopyOnWriteArrayList<>();
        ClientMessageHandler handler = (channel, buf, offset, length) -> {
            if (channel == GameChannels.SNAPSHOTS_ID) {
                snapshots.add(GameMessages.readSnapshot(buf, offset, length));
            }
            else if (channel == GameChannels.EVENTS_ID) {
                events.add(EventMessages.readEvent(buf, offset, length));
            }
        };
        try (NetcodeClient client = NetcodeClient.start(TokenClient.bindAddressFor(token), GameChannels.CONFIG, handler)) {
            client.connect(token);
            await("carol connected", () -> client.state() == ClientState.CONNECTED);
            await("carol's join announced to carol", () -> events.contains(GameEvent.joined("carol")));
            await("a snapshot with carol in it", () -> snapshots.stream().anyMatch(s -> s != null && s.you() >= 0));
            assertThat(second.feed().since(0)).extracting(e -> e.event()).contains(GameEvent.joined("carol"));
            assertThat(second.arena().snapshot().players()).extracting(p -> p.name()).containsExactly("carol");

            await("carol in the second arena's row of the fleet table", () -> {
                JsonNode row = fleetRow(second.serverId());
                return row != null && row.get("players").toString().equals("[\"carol\"]")
                        && row.get("connectedClients").asInt() == 1;
            });
        }
    }

    private JsonNode fleetRow(String serverId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/arena/fleet"))
            .timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode server : json.readTree(response.body()).get("servers")) {
            if (server.get("serverId").asString().equals(serverId)) {
                return server;
            }
        }
        return null;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
            Thread.sleep(20);
        }
    }
}
