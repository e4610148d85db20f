package dev.netcode.boot.starter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's "Use the starter" lists every meter the auto-configuration's meter binders register: each
 * {@code builder("netcode...")} in their sources must appear there (a name built by concatenation,
 * such as {@code "netcode.connection.bandwidth." + name}, by its prefix).
 */
class ReadmeMetersTests {

    private static final Pattern METER = Pattern.compile("builder\\(\"(netcode\\.[a-z.]+)\"");

    @Test
    void theReadmeListsEveryMeter() throws IOException {
        List<String> meters = new ArrayList<>();
        try (Stream<Path> sources = Files.list(Path.of(System.getProperty("netcode.metrics.sources")))) {
            for (Path source : sources.filter((path) -> path.toString().endsWith(".java")).toList()) {
                Matcher matcher = METER.matcher(Files.readString(source));
                while (matcher.find()) {
                    meters.add(matcher.group(1));
                }
            }
        }
        assertThat(meters).contains("netcode.server.connections", "netcode.listener.queued",
                "netcode.server.max.connections", "netcode.connection.bandwidth.");

        String readme = Files.readString(Path.of(System.getProperty("netcode.readme")));
        int start = readme.indexOf("\n## Use the starter\n");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        assertThat(meters).allSatisfy((meter) -> assertThat(section).contains("`" + meter));
    }
}
