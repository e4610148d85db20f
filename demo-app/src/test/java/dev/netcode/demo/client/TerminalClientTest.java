package dev.netcode.demo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.netcode.client.ClientState;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.ChatLine;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.demo.game.GameMessages;

/**
 * The command line and the interactive screen; playing against a running demo is in
 * DemoApplicationIntegrationTest.
 */
class TerminalClientTest {

    @ParameterizedTest
    @ValueSource(strings = { "--client", "--client --user alice", "--client --password x", "--client --user",
            "--client --user a --password b --scripted 0", "--client --user a --password b --scripted soon",
            "--client --user a --password b --url ftp://host", "--client --user a --password b --colour",
            "--client --user a --password b --say" })
    void badArgumentsPrintTheUsageAndExit2(String commandLine) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = TerminalClient.run(commandLine.split(" "), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("usage: ");
    }

    @ParameterizedTest
    @ValueSource(strings = { "--client --help", "--client -h", "--client --user alice --help" })
    void helpPrintsTheUsageToStdoutWithoutAnError(String commandLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = TerminalClient.run(commandLine.split(" "), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: java -jar demo-app.jar --client");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aRequestNobodyAnsweredNamesTheLikelyCauses() {
        assertThat(TerminalClient.whyNotConnected(ClientState.CONNECTION_REQUEST_TIMED_OUT))
            .contains("connection_request_timed_out", "stopped or is unreachable", "netcode.private-key",
                    "still connected from another client", "5-10 s", "expired");
        assertThat(TerminalClient.whyNotConnected(ClientState.CONNECTION_DENIED)).contains("full");
    }

    @Test
    void aChatLineTooLongOrEmptyToSayIsABadArgument() {
        for (String line : new String[] { "x".repeat(ChatLine.MAX_CHARACTERS + 1), " \t" }) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int exit = TerminalClient.run(new String[] { "--client", "--user", "a", "--password", "b", "--say", line },
                    new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("--say needs 1 to 100 printable characters");
        }
    }

    @Test
    void theScreenShowsTheLastMatchEventsUnderTheArena() {
        ArenaView view = new ArenaView(16, 6);
        Arena arena = new Arena(5);
        arena.join(1, "alice");
        GameMessages.Snapshot snapshot = read(GameMessages.snapshot(arena.snapshot(), 1));
        List<GameEvent> events = List.of(GameEvent.joined("bot-1"), GameEvent.joined("alice"),
                GameEvent.collected("bot-1"), GameEvent.chat("bob", "a line much longer than this small arena is wide"));

        String[] lines = InteractivePlay.frame("alice: connected", view, snapshot, null, events).split("\r\n", -1);

        assertThat(lines).hasSize(1 + 6 + 2 + 1 + InteractivePlay.EVENT_LINES + 1);
        assertThat(lines[0]).isEqualTo("alice: connected\033[K");
        assertThat(lines[1]).isEqualTo("+----------------+");
        assertThat(String.join("", lines)).contains("@");
        assertThat(lines[9]).isEqualTo(InteractivePlay.HELP + "\033[K");
        // The newest three, oldest first, cut to the arena's width with its border.
        assertThat(lines[10]).isEqualTo("alice joined\033[K");
        assertThat(lines[11]).isEqualTo("bot-1 collected a \033[K");
        assertThat(lines[12]).isEqualTo("bob: a line much l\033[K");
    }

    @Test
    void theScreenShowsTheChatLineBeingTypedAndBlankEventLinesBeforeAnyEvent() {
        String[] lines = InteractivePlay.frame("alice: connecting", new ArenaView(16, 6), null, "hello wor", List.of())
            .split("\r\n", -1);

        assertThat(lines[9]).isEqualTo("say: hello wor_\033[K");
        assertThat(lines[10]).isEqualTo("\033[K");
        assertThat(lines[12]).isEqualTo("\033[K");
    }

    private static GameMessages.Snapshot read(byte[] snapshot) {
        return GameMessages.readSnapshot(snapshot, 0, snapshot.length);
    }

    @Test
    void withoutATerminalItSuggestsScriptedMode() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = TerminalClient.run(new String[] { "--client", "--user", "a", "--password", "b" }, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a terminal").contains("--scripted");
    }
}
