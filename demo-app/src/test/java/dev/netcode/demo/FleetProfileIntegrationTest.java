package dev.netcode.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.demo.bots.BotFleet;
import dev.netcode.demo.client.TokenClient;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.EventMessages;
import dev.netcode.demo.game.FleetArenas;
import dev.netcode.demo.game.GameChannels;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.demo.game.GameMessages;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.server.NetcodeServer;
import dev.netcode.token.ConnectToken;

/**
 * The {@code fleet} profile on 127.0.0.1, over real HTTP and UDP, port 0 everywhere: three arenas
 * of two slots (the starter's server and two of the demo's own) in the in-memory fleet directory,
 * three bots, the token endpoint reserving by the spread policy (and, {@link WithThePackPolicy},
 * by pack).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "demo.fleet.arenas=127.0.0.1:0,127.0.0.1:0",
                "netcode.server.max-clients=2", "demo.bots=3", "netcode.fleet.policy=spread" })
@ActiveProfiles("fleet")
class FleetProfileIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int BOTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private NetcodeServer firstServer;

    @Autowired
    private Arena firstArena;

    @Autowired
    private FleetArenas arenas;

    @Autowired
    private ServerDirectory directory;

    @Autowired
    private BotFleet bots;

    @Autowired
    private InMemoryUserDetailsManager users;

    @Test
    void everyArenaIsListedInTheDirectoryUnderTheFirstOnesIdAndItsNumber() {
        List<FleetServer> listed = directory.servers();

        assertThat(listed).hasSize(3);
        String first = listed.get(0).serverId();
        assertThat(listed).extracting(FleetServer::serverId).containsExactly(first, first + "-2", first + "-3");
        assertThat(listed).extracting(FleetServer::publicAddresses).containsExactly(
                List.of(firstServer.localAddress()), List.of(arenas.arenas().get(0).server().localAddress()),
                List.of(arenas.arenas().get(1).server().localAddress()));
        assertThat(listed).allSatisfy(server -> {
            assertThat(server.maxClients()).isEqualTo(2);
            assertThat(server.protocolId()).isEqualTo(firstServer.config().protocolId());
        });
    }

    /** Spread: the least loaded arena first, so the three bots go one to each arena. */
    @Test
    void theBotsAreSpreadOneToAnArena() throws Exception {
        awaitBotsIn(List.of(1, 1, 1));

        for (Arena arena : gamesByServer().values()) {
            assertThat(arena.snapshot().players()).extracting(Arena.PlayerView::name).singleElement()
                .asString().startsWith("bot-");
        }
    }

    /** What the dashboard polls: every server with its occupancy and, for this process's arenas, who is in it. */
    @Test
    void theFleetTableShowsEveryServerWithItsOccupancyAndPlayers() throws Exception {
        awaitBotsIn(List.of(1, 1, 1));

        await("the fleet table to match the directory and the games", () -> {
            JsonNode table = fleetTable();
            List<FleetServer> listed = directory.servers();
            Map<String, Arena> games = gamesByServer();
            if (table.get("servers").size() != listed.size()) {
                return false;
            }
            for (int i = 0; i < listed.size(); i++) {
                JsonNode row = table.get("servers").get(i);
                FleetServer server = listed.get(i);
                List<String> players = games.get(server.serverId()).snapshot().players().stream()
                    .map(Arena.PlayerView::name).sorted().toList();
                if (!row.get("serverId").asString().equals(server.serverId())
                        || !row.get("addresses").get(0).asString().equals(server.publicAddresses().get(0).toString())
                        || row.get("maxClients").asInt() != 2
                        || row.get("connectedClients").asInt() != server.connectedClients()
                        || row.get("reservedSlots").asInt() != server.reservedSlots()
                        || row.get("freeSlots").asInt() != server.freeSlots()
                        || !strings(row.get("players")).equals(players) || players.size() != 1
                        || row.get("spectated").asBoolean() != (games.get(server.serverId()) == firstArena)) {
                    return false;
                }
            }
            return table.get("directory").asString().equals("in-memory")
                    && table.get("policy").asString().equals("spread") && table.get("error").isNull();
        });
    }

    /**
     * With a bot in each arena, three people take the last slot of each, by spread and then by id;
     * each token lists its reserved arena first and the others with room after it. A fourth person
     * is told the fleet is full. Bob, sent to one of the demo's own arenas, plays there.
     */
    @Test
    void peopleTakeTheFreeSlotsOneArenaEachAndAFullFleetAnswers503() throws Exception {
        awaitBotsIn(List.of(1, 1, 1));
        List<NetcodeAddress> addresses = directory.servers().stream().map(s -> s.publicAddresses().get(0)).toList();
        users.createUser(User.withUsername("carol").password("{noop}carol-pass").roles("PLAYER").build());

        byte[] alice = token("alice", "alice-pass");
        byte[] bob = token("bob", "bob-pass");
        byte[] admin = token("admin", "admin-pass");
        HttpResponse<String> carol = tokenRequest("carol", "carol-pass");

        assertThat(ConnectToken.read(alice).serverAddresses()).containsExactly(addresses.get(0), addresses.get(1),
                addresses.get(2));
        assertThat(ConnectToken.read(bob).serverAddresses()).containsExactly(addresses.get(1), addresses.get(2));
        assertThat(ConnectToken.read(admin).serverAddresses()).containsExactly(addresses.get(2));
        assertThat(carol.statusCode()).isEqualTo(503);
        assertThat(carol.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSON.readTree(carol.body()).get("reason").asString()).isEqualTo("fleet-full");
        assertThat(directory.servers()).allSatisfy(server -> assertThat(server.freeSlots()).isZero());

        FleetArenas.ArenaServer second = arenas.arenas().get(0);
        assertThat(second.server().localAddress()).isEqualTo(addresses.get(1));
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
        try (NetcodeClient client = NetcodeClient.start(TokenClient.bindAddressFor(bob), GameChannels.CONFIG, handler)) {
            client.connect(bob);
            await("bob connected", () -> client.state() == ClientState.CONNECTED);
            await("bob's join announced to bob", () -> events.contains(GameEvent.joined("bob")));
            await("a snapshot with bob in it", () -> snapshots.stream().anyMatch(s -> s != null && s.you() >= 0));
            assertThat(second.arena().snapshot().players()).extracting(Arena.PlayerView::name).contains("bob");
            assertThat(second.feed().since(0)).extracting(entry -> entry.event()).contains(GameEvent.joined("bob"));
            assertThat(firstArena.snapshot().players()).extracting(Arena.PlayerView::name).doesNotContain("bob");
        }
    }

    /** Pack: the fullest arena with room first, so the first arena (by id) fills before the second gets anyone. */
    @Nested
    @TestPropertySource(properties = "netcode.fleet.policy=pack")
    class WithThePackPolicy {

        @Autowired
        private ServerDirectory packedDirectory;

        @Autowired
        private BotFleet packedBots;

        @Test
        void theBotsFillTheFirstArenaFirst() throws Exception {
            awaitBotsIn(packedDirectory, packedBots, List.of(2, 1, 0));
        }
    }

    private void awaitBotsIn(List<Integer> connected) throws Exception {
        awaitBotsIn(directory, bots, connected);
    }

    /** Waits until the bots are all connected and the directory counts {@code connected} clients, server by server. */
    private static void awaitBotsIn(ServerDirectory directory, BotFleet bots, List<Integer> connected)
            throws Exception {
        await(BOTS + " bots connected, " + connected + " to the arenas in id order", () -> bots.connectedBots() == BOTS
                && directory.servers().stream().map(FleetServer::connectedClients).toList().equals(connected));
    }

    /** The game of each arena of this process, by its id in the directory. */
    private Map<String, Arena> gamesByServer() {
        Map<NetcodeAddress, Arena> byAddress = new HashMap<>();
        byAddress.put(firstServer.localAddress(), firstArena);
        arenas.arenas().forEach(arena -> byAddress.put(arena.server().localAddress(), arena.arena()));
        Map<String, Arena> games = new HashMap<>();
        directory.servers().forEach(server -> games.put(server.serverId(), byAddress.get(server.publicAddresses().get(0))));
        return games;
    }

    private JsonNode fleetTable() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/arena/fleet"))).timeout(WAIT)
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private byte[] token(String user, String password) throws Exception {
        return new TokenClient(URI.create(url(""))).fetch(user, password);
    }

    private HttpResponse<String> tokenRequest(String user, String password) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url("/netcode/token"))).timeout(WAIT)
            .header("Authorization", "Basic " + credentials).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
    private static void await(String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
            Thread.sleep(20);
        }
    }
}
