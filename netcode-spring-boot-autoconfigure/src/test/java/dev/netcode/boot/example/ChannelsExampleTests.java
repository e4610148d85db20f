package dev.netcode.boot.example;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.boot.testsupport.ChannelTestClient;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example of README's "Channels and messages", kept here so that it runs: the YAML is
 * {@code example/channels.yml} and the listener is {@link Game} between the README markers; the
 * last test checks that the README shows both as they are here.
 */
@SpringBootTest(classes = ChannelsExampleTests.ExampleApplication.class,
        properties = { "spring.config.import=classpath:example/channels.yml", "netcode.server.bind-address=127.0.0.1:0" })
class ChannelsExampleTests {

    // README:client:start
    static final MessageConfig CHANNELS = MessageConfig.of(          // ids: the names in alphabetical order
            ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED).withMaxMessageBytes(4096),
            ChannelConfig.of("events", DeliveryMode.RELIABLE_UNORDERED),
            ChannelConfig.of("input", DeliveryMode.UNRELIABLE),
            ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED));
    // README:client:end

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    private ConnectTokenIssuer tokens;

    @Autowired
    private MessageConfig serverChannels;

    @Autowired
    private Game game;

    @Test
    void theClientsChannelsAreTheServers() {
        assertThat(this.serverChannels).isEqualTo(CHANNELS);
    }

    @Test
    void chatIsAnsweredOnChatInputsMoveThePlayerAndSnapshotsReachEveryone() throws Exception {
        try (ChannelTestClient player = ChannelTestClient.connect(CHANNELS, this.tokens.issue(7, null).token())) {
            player.send("chat", this.json.writeValueAsBytes(new Game.ChatLine("alice", "hello")));
            assertThat(this.json.readValue(player.receive("chat"), Game.ChatLine.class))
                .isEqualTo(new Game.ChatLine("server", "7 said: hello"));

            // Unreliable: send inputs until one arrived.
            for (int i = 0; i < 100 && !this.game.world.positions.containsKey(7L); i++) {
                player.send("input", new byte[] { 3 });
                UdpTestClients.await(() -> this.game.world.positions.containsKey(7L), 20);
            }
            assertThat(this.game.world.positions).containsKey(7L);

            byte[] snapshot = null;
            for (int i = 0; i < 100 && snapshot == null; i++) {
                this.game.tick();
                snapshot = player.receive("snapshots", 20);
            }
            assertThat(snapshot).isNotNull();
            assertThat(new String(snapshot, StandardCharsets.UTF_8)).contains("7=");
        }
    }

    @Test
    void theReadmeShowsThisExampleAsItIs() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).contains(resource("example/channels.yml"));
        String source = Files.readString(Path.of("src/test/java/dev/netcode/boot/example/ChannelsExampleTests.java"));
        assertThat(readme).contains(between(source, "README:listener"));
        assertThat(readme).contains(between(source, "README:client"));
    }

    private static String resource(String name) throws IOException {
        try (var in = ChannelsExampleTests.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The lines between the markers, without their common indentation. */
    private static String between(String source, String marker) {
        List<String> lines = source.lines().toList();
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("// " + marker + ":start")) {
                start = i + 1;
            }
            if (lines.get(i).trim().equals("// " + marker + ":end")) {
                end = i;
            }
        }
        List<String> block = lines.subList(start, end);
        int indent = block.stream().filter((line) -> !line.isBlank())
            .mapToInt((line) -> line.length() - line.stripLeading().length()).min().orElse(0);
        return block.stream().map((line) -> line.isBlank() ? "" : line.substring(indent))
            .collect(Collectors.joining("\n"));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ Game.class, World.class })
    static class ExampleApplication {
    }

    /** Where the players are: a stand-in for a game's world. */
    @Component
    static class World {

        final Map<Long, Integer> positions = new ConcurrentHashMap<>();

        void apply(long player, ByteBuffer input) {
            this.positions.merge(player, (int) input.get(0), Integer::sum);
        }

        String snapshot() {
            return this.positions.toString();
        }
    }

    // README:listener:start
    @Component
    static class Game {

        record ChatLine(String from, String text) {
        }

        final World world;

        final NetcodeMessagingTemplate messaging;

        Game(World world, NetcodeMessagingTemplate messaging) {
            this.world = world;
            this.messaging = messaging;
        }

        @NetcodeListener(channel = "chat")               // JSON in, JSON out: the reply goes back on "chat"
        ChatLine onChat(NetcodeSession player, ChatLine line) {
            return new ChatLine("server", player.clientId() + " said: " + line.text());
        }

        @NetcodeListener(channel = "input")              // the raw bytes, read-only, valid during the call
        void onInput(NetcodeSession player, ByteBuffer input) {
            world.apply(player.clientId(), input);
        }

        void tick() {                                    // from your game loop, 20 times a second
            messaging.broadcast("snapshots", world.snapshot());
        }
    }
    // README:listener:end
}
