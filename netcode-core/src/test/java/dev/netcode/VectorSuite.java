package dev.netcode;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Turns a list of reference vectors into one named {@link DynamicTest} per vector, followed by a
 * final test that checks every vector of the list actually ran and passed. The list must have the
 * documented size, so a missing, empty or truncated vector file cannot pass silently.
 */
public final class VectorSuite {

    private VectorSuite() {
    }

    public static Stream<DynamicTest> of(String file, List<JsonNode> vectors, int expectedCount,
            Consumer<JsonNode> body) {
        return of(file, vectors, expectedCount, v -> v.get("name").asString(), body);
    }

    public static Stream<DynamicTest> of(String file, List<JsonNode> vectors, int expectedCount,
            Function<JsonNode, String> name, Consumer<JsonNode> body) {
        assertThat(vectors).as("vectors in %s", file).isNotEmpty().hasSize(expectedCount);
        AtomicInteger passed = new AtomicInteger();
        Stream<DynamicTest> each = vectors.stream().map(v -> DynamicTest.dynamicTest(name.apply(v), () -> {
            body.accept(v);
            passed.incrementAndGet();
        }));
        DynamicTest all = DynamicTest.dynamicTest("all " + expectedCount + " vectors of " + file + " ran and passed",
                () -> assertThat(passed.get()).as("vectors of %s that passed", file).isEqualTo(expectedCount));
        return Stream.concat(each, Stream.of(all));
    }
}
