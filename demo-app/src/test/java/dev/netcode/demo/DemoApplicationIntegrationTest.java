package dev.netcode.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;

import dev.netcode.boot.token.PrincipalNameClientIdResolver;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.demo.bots.BotFleet;
import dev.netcode.demo.client.TerminalClient;
import dev.netcode.demo.client.TokenClient;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.ChatLine;
import dev.netcode.demo.game.Direction;
import dev.netcode.demo.game.EventFeed;
import dev.netcode.demo.game.EventMessages;
import dev.netcode.demo.game.GameChannels;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.demo.game.GameMessages;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.message.MessageConfig;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerSnapshot;

/**
 * The whole demo on 127.0.0.1, over real HTTP and UDP: three bots, a scripted terminal client, a
 * bare channel client, the token endpoint's security and the actuator endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "demo.bots=3" })
class DemoApplicationIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int BOTS = 3;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Value("${local.server.port}")
    private int port;

    @Autowired
    private NetcodeServer server;

    @Autowired
    private BotFleet bots;

    @Autowired
    private Arena arena;

    @Autowired
    private Environment environment;

    @Autowired
    private MessageConfig serverChannels;

    @Autowired
    private EventFeed feed;

    @Test
    void theJavaClientsUseTheChannelsOfApplicationYml() {
        assertThat(GameChannels.CONFIG).isEqualTo(serverChannels);
    }

    @Test
    void botsGetMatchEventsOnTheEventsChannel() {
        awaitAllBotsConnected();

        // Each bot at least hears its own join and its own greeting.
        await("match events for the bots", () -> bots.eventsReceived() >= 2 * BOTS);
    }

    /**
     * A client of the message layer alone (no demo code between it and the channels): snapshots on
     * the snapshots channel that echo its inputs from the inputs channel, and on the events channel
     * its own join, its chat lines and the server's notices, each exactly once and in the order
     * they were caused. The last of them (the notice for one line too many) arrives only after all
     * the others, so waiting for it is enough to see any duplicate or reordering before it.
     */
    @Test
    void aChannelClientGetsSnapshotsAndEachMatchEventExactlyOnceInOrder() throws Exception {
        byte[] token = new TokenClient(URI.create(url(""))).fetch("bob", "bob-pass");
        List<GameMessages.Snapshot> snapshots = new CopyOnWriteArrayList<>();
        List<GameEvent> events = new CopyOnWriteArrayList<>();
        List<Integer> otherChannels = new CopyOnWriteArrayList<>();
        ClientMessageHandler handler = (channel, buf, offset, length) -> {
            if (channel == GameChannels.SNAPSHOTS_ID) {
                snapshots.add(GameMessages.readSnapshot(buf, offset, length));
            }
            else if (channel == GameChannels.EVENTS_ID) {
                events.add(EventMessages.readEvent(buf, offset, length));
            }
            else {
                otherChannels.add(channel);
            }
        };
        try (NetcodeClient client = NetcodeClient.start(TokenClient.bindAddressFor(token), GameChannels.CONFIG, handler)) {
            client.connect(token);
            await("bob connected", () -> client.state() == ClientState.CONNECTED);
            await("bob's join announced to bob", () -> events.contains(GameEvent.joined("bob")));

            long echo = 0x5eed_0000_0000_0001L;
            await("a snapshot echoing bob's input", () -> {
                client.messages().send(GameChannels.INPUTS_ID, GameMessages.input(Direction.LEFT, echo), 0,
                        GameMessages.INPUT_BYTES);
                return snapshots.stream().anyMatch(s -> s != null && s.you() >= 0 && s.echo() == echo);
            });

            List<String> lines = List.of("first", " ", "second", "third", "fourth", "fifth", "one too many");
            for (String line : lines) {
                assertThat(client.messages().send(GameChannels.EVENTS, EventMessages.chatLine(line))).isTrue();
            }
            GameEvent slowDown = GameEvent.notice("slow down: 5 lines per 10 seconds");
            await("the notice for the sixth line in ten seconds", () -> events.contains(slowDown));

            // Bob may also pick up a coin on his walk (COLLECTED), and the bots come and go.
            assertThat(events).doesNotContainNull()
                .filteredOn(event -> event.player().equals("bob") && event.kind() != GameEvent.Kind.COLLECTED
                        || event.kind() == GameEvent.Kind.NOTICE)
                .containsExactly(GameEvent.joined("bob"), GameEvent.chat("bob", "first"),
                        GameEvent.notice("chat lines are 1 to " + ChatLine.MAX_CHARACTERS + " characters"),
                        GameEvent.chat("bob", "second"), GameEvent.chat("bob", "third"),
                        GameEvent.chat("bob", "fourth"), GameEvent.chat("bob", "fifth"), slowDown);
            assertThat(snapshots).doesNotContainNull();
            assertThat(otherChannels).isEmpty();
            assertThat(feed.since(0)).extracting(EventFeed.Entry::event)
                .contains(GameEvent.joined("bob"), GameEvent.chat("bob", "fifth"))
                .doesNotContain(slowDown);
        }
    }

    @Test
    void botsConnectAndReceiveSnapshots() {
        awaitAllBotsConnected();
        assertThat(server.connectedClientCount()).isGreaterThanOrEqualTo(BOTS);

        long snapshots = bots.snapshotsReceived();
        await("more snapshots for the bots", () -> bots.snapshotsReceived() >= snapshots + 2 * BOTS);
    }

    @Test
    void aPersonPlaysWithTheScriptedTerminalClient() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TerminalClient.run(
                new String[] { "--client", "--user", "alice", "--password", "alice-pass", "--url", url(""),
                        "--scripted", "3", "--say", "hello from the terminal" },
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));

        await("alice in the arena", () -> arena.snapshot().players().stream().anyMatch(p -> p.name().equals("alice")));

        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("state SENDING_CONNECTION_RESPONSE -> CONNECTED")
                .containsPattern("tick=\\d+ rtt_ms=\\d+\\.\\d score=\\d+ players=[1-9]")
                .containsPattern("summary state=CONNECTED snapshots=[1-9]\\d* events=[1-9]\\d* rtt_ms=\\d+\\.\\d");
        // Match events from the reliable channel, each once: alice's join, then her own line.
        assertThat(output.lines().filter(line -> line.equals("event alice joined"))).hasSize(1);
        assertThat(output.lines().filter(line -> line.equals("event alice: hello from the terminal"))).hasSize(1);
        assertThat(output.indexOf("event alice joined")).isLessThan(output.indexOf("event alice: hello"));
    }

    @Test
    void aSecondClientOfAPlayingAccountIsToldItIsAlreadyPlaying() throws Exception {
        ByteArrayOutputStream firstErr = new ByteArrayOutputStream();
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> TerminalClient.run(
                new String[] { "--client", "--user", "alice", "--password", "alice-pass", "--url", url(""),
                        "--scripted", "4" },
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(firstErr, true, StandardCharsets.UTF_8)));
        await("alice connected", () -> server.snapshot().clients().stream()
            .anyMatch(client -> client.clientId() == PrincipalNameClientIdResolver.clientIdOf("alice")));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = TerminalClient.run(
                new String[] { "--client", "--user", "alice", "--password", "alice-pass", "--url", url(""), "--scripted", "1" },
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .startsWith("login failed: alice is already playing (connected from another client)")
            .contains("log in again then");
        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(firstErr.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void aWrongPasswordIsToldPlainly() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = TerminalClient.run(
                new String[] { "--client", "--user", "alice", "--password", "wrong", "--url", url(""), "--scripted", "1" },
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wrong user or password");
    }

    @Test
    void onlyUsersGetTokens() throws Exception {
        HttpResponse<String> response = send(request("/netcode/token", null).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void anyoneSeesTheBotsInTheSlotTable() throws Exception {
        awaitAllBotsConnected();

        HttpResponse<String> response = send(request("/actuator/netcode", null).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        for (int i = 1; i <= BOTS; i++) {
            String clientId = Long.toUnsignedString(PrincipalNameClientIdResolver.clientIdOf("bot-" + i));
            assertThat(response.body()).contains("\"clientId\":\"" + clientId + "\"");
        }
    }

    @Test
    void onlyAnAdminKicksPlayersAndAKickedBotComesBack() throws Exception {
        awaitAllBotsConnected();
        ServerSnapshot.Client bot = aConnectedBot();
        String kick = "/actuator/netcode/" + bot.index() + "?clientId=" + Long.toUnsignedString(bot.clientId());
        HttpResponse<String> asAlice = send(request(kick, "alice:alice-pass").DELETE());
        assertThat(asAlice.statusCode()).isEqualTo(403);

        long accepted = server.statistics().connectionsAccepted();
        HttpResponse<String> asAdmin = send(request(kick, "admin:admin-pass").DELETE());

        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat(asAdmin.body()).contains("\"disconnected\":true");
        await("the kicked bot back", () -> server.statistics().connectionsAccepted() > accepted);
        awaitAllBotsConnected();
    }

    @Test
    void aKickNamingAnotherClientThanTheSlotHoldsKicksNobody() throws Exception {
        awaitAllBotsConnected();
        ServerSnapshot.Client bot = aConnectedBot();
        String otherClient = Long.toUnsignedString(bot.clientId() ^ 1);

        HttpResponse<String> response = send(
                request("/actuator/netcode/" + bot.index() + "?clientId=" + otherClient, "admin:admin-pass").DELETE());

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("\"disconnected\":false")
                .contains("\"reason\":\"slot " + bot.index() + " holds another client\"");
        assertThat(server.snapshot().clients())
                .anyMatch(client -> client.index() == bot.index() && client.clientId() == bot.clientId());
        HttpResponse<String> withoutClientId = send(
                request("/actuator/netcode/" + bot.index(), "admin:admin-pass").DELETE());
        assertThat(withoutClientId.statusCode()).isEqualTo(400);
        assertThat(server.connectedClientCount()).isGreaterThanOrEqualTo(BOTS);
    }

    /**
     * Read from the kernel's socket table rather than by connecting to another address of this
     * machine: tests only ever send to loopback.
     */
    @Test
    void theWebServerListensOnLoopbackOnly() throws Exception {
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
        Path tcp = Path.of("/proc/net/tcp");
        assumeTrue(Files.isReadable(tcp), "no /proc/net/tcp to read listening sockets from");
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> listening = new ArrayList<>();
        for (Path table : List.of(tcp, Path.of("/proc/net/tcp6"))) {
            if (Files.isReadable(table)) {
                Files.readAllLines(table).stream().skip(1).map(line -> line.trim().split("\\s+"))
                        .filter(fields -> fields[1].endsWith(":" + hexPort) && fields[3].equals("0A"))
                        .forEach(fields -> listening.add(fields[1]));
            }
        }
        // 127.0.0.1 as the kernel prints it (little-endian hex), plain or IPv4-mapped on an IPv6 socket;
        // a wildcard bind shows as zeros.
        assertThat(listening).as("sockets listening on HTTP port %d", port).isNotEmpty()
                .allMatch(local -> local.equals("0100007F:" + hexPort)
                        || local.equals("0000000000000000FFFF00000100007F:" + hexPort));
    }

    private ServerSnapshot.Client aConnectedBot() {
        return server.snapshot().clients().stream().filter(client -> isBot(client.clientId())).findFirst()
                .orElseThrow();
    }

    private void awaitAllBotsConnected() {
        await(BOTS + " bots connected",
                () -> bots.connectedBots() == BOTS && countBotSlots(server.snapshot()) == BOTS);
    }

    private static long countBotSlots(ServerSnapshot snapshot) {
        return snapshot.clients().stream().filter(client -> isBot(client.clientId())).count();
    }

    private static boolean isBot(long clientId) {
        for (int i = 1; i <= BOTS; i++) {
            if (PrincipalNameClientIdResolver.clientIdOf("bot-" + i) == clientId) {
                return true;
            }
        }
        return false;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private HttpRequest.Builder request(String path, String credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(WAIT);
        if (credentials != null) {
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
            try {
                Thread.sleep(20);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, ex);
            }
        }
    }
}
