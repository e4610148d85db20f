package dev.netcode.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar demo-app.jar --help} prints how to run the demo instead of starting a second one. */
class DemoApplicationHelpTest {

    @Test
    void helpPrintsTheUsageAndStartsNothing() {
        for (List<String> arguments : List.of(List.of("--help"), List.of("-h"),
                List.of("--spring.profiles.active=fleet", "--help"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            assertThat(DemoApplication.printedHelp(arguments, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .as(arguments.toString())
                .isTrue();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: java -jar demo-app.jar")
                .contains("--client --help", "--server.port=PORT", "--spring.profiles.active=fleet");
        }
    }

    @Test
    void withoutHelpTheDemoStarts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(DemoApplication.printedHelp(List.of("--server.port=0"), new PrintStream(out))).isFalse();
        assertThat(out.size()).isZero();
    }
}
