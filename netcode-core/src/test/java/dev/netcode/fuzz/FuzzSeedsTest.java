package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Keeps the fuzz targets' committed seed corpora in step with {@link FuzzSeeds}.
 *
 * <p>To (re)write them after changing the vectors, the fixtures or an input format, run from
 * {@code netcode-core}:
 *
 * <pre>
 * ../mvnw -q test -Dtest=FuzzSeedsTest -Dnetcode.fuzz.writeSeeds=true
 * </pre>
 *
 * Files the generator does not know (findings Jazzer saved, regression inputs added by hand) are
 * left alone.
 */
class FuzzSeedsTest {

    /** Surefire sets {@code basedir} to the module directory, whatever the working directory. */
    private static final Path RESOURCES = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources");

    @Test
    @DisabledIfSystemProperty(named = "netcode.fuzz.writeSeeds", matches = "true")
    void committedSeedsMatchTheGenerator() throws IOException {
        for (FuzzSeeds.Target target : FuzzSeeds.all()) {
            assertThat(target.seeds()).as(target.method()).hasSizeGreaterThanOrEqualTo(8);
            for (Map.Entry<String, byte[]> seed : target.seeds().entrySet()) {
                String resource = "/" + target.resourceDirectory() + "/seed-" + seed.getKey();
                try (InputStream in = FuzzSeedsTest.class.getResourceAsStream(resource)) {
                    assertThat(in).as("missing seed %s: rewrite the seeds (see FuzzSeedsTest)", resource).isNotNull();
                    assertThat(in.readAllBytes()).as("stale seed %s: rewrite the seeds (see FuzzSeedsTest)", resource)
                            .isEqualTo(seed.getValue());
                }
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "netcode.fuzz.writeSeeds", matches = "true")
    void writeSeeds() {
        FuzzSeeds.all().forEach(target -> {
            Path directory = RESOURCES.resolve(target.resourceDirectory());
            try {
                Files.createDirectories(directory);
                for (Map.Entry<String, byte[]> seed : target.seeds().entrySet()) {
                    Files.write(directory.resolve("seed-" + seed.getKey()), seed.getValue());
                }
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }
}
