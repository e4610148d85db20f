package dev.netcode.demo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line alone; playing against a running demo is in DemoApplicationIntegrationTest. */
class TerminalClientTest {

    @ParameterizedTest
    @ValueSource(strings = { "--client", "--client --user alice", "--client --password x", "--client --user",
            "--client --user a --password b --scripted 0", "--client --user a --password b --scripted soon",
            "--client --user a --password b --url ftp://host", "--client --user a --password b --colour" })
    void badArgumentsPrintTheUsageAndExit2(String commandLine) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = TerminalClient.run(commandLine.split(" "), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("usage: ");
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
