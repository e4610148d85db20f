package dev.netcode.packet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReplayProtection}: the reference's step vectors and the C test {@code test_replay_protection}. */
class ReplayProtectionTest {

    private static final long MAX = -1L; // 2^64 - 1
    private static final int SIZE = 256;

    /** Reads like the packet reader: check, and record only what is accepted. */
    private static boolean receive(ReplayProtection window, long sequence) {
        if (window.isAlreadyReceived(sequence)) {
            return false;
        }
        window.advance(sequence);
        return true;
    }

    @TestFactory
    Stream<DynamicTest> replayProtectionSteps() {
        JsonNode file = TestVectors.load("replay_protection.json");
        assertThat(file.get("buffer_size").asInt()).isEqualTo(SIZE);
        List<JsonNode> steps = new ArrayList<>();
        file.get("steps").forEach(steps::add);

        // one fresh filter for all steps, in order
        ReplayProtection window = new ReplayProtection();
        Set<Long> acceptedBefore = new HashSet<>();
        int[] index = { 0 };
        return VectorSuite.of("replay_protection.json", steps, 26,
                s -> String.format("step %02d: %s expect %s", index[0]++, s.get("sequence").asString(),
                        s.get("expected").asString()),
                s -> {
                    long sequence = TestVectors.u64(s.get("sequence"));
                    boolean accepted = receive(window, sequence);
                    boolean implementationDefined = s.has("note") && acceptedBefore.contains(sequence);
                    if (!implementationDefined) {
                        assertThat(accepted ? "accepted" : "rejected").isEqualTo(s.get("expected").asString());
                    }
                    if (accepted) {
                        acceptedBefore.add(sequence);
                    }
                    assertThat(Long.toHexString(window.mostRecentSequence()))
                            .isEqualTo(Long.toHexString(TestVectors.u64(s.get("most_recent_sequence_after"))));
                });
    }

    /** The C test {@code test_replay_protection}, both rounds and the near-2^64 part. */
    @Test
    void referenceTestReplayProtection() {
        ReplayProtection window = new ReplayProtection();
        for (int round = 0; round < 2; round++) {
            window.reset();
            assertThat(window.mostRecentSequence()).isZero();

            int maxSequence = SIZE * 4;
            for (long sequence = 0; sequence < maxSequence; sequence++) {
                assertThat(window.isAlreadyReceived(sequence)).as("first time %d", sequence).isFalse();
                window.advance(sequence);
            }

            // old packets outside the buffer count as already received
            assertThat(window.isAlreadyReceived(0)).isTrue();

            // packets received a second time are flagged
            for (long sequence = maxSequence - 10; sequence < maxSequence; sequence++) {
                assertThat(window.isAlreadyReceived(sequence)).as("again %d", sequence).isTrue();
            }

            // a much higher sequence is new
            assertThat(window.isAlreadyReceived(maxSequence + SIZE)).isFalse();

            // every old packet counts as received
            for (long sequence = 0; sequence < maxSequence; sequence++) {
                assertThat(window.isAlreadyReceived(sequence)).as("old %d", sequence).isTrue();
            }
        }

        // near 2^64 nothing wraps
        window.reset();
        assertThat(window.isAlreadyReceived(MAX - SIZE)).isFalse();
        window.advance(MAX - SIZE);
        assertThat(window.isAlreadyReceived(MAX - 1)).isFalse();
        window.advance(MAX - 1);
        assertThat(window.isAlreadyReceived(MAX - 1)).isTrue();
        assertThat(window.isAlreadyReceived(MAX - 1 - SIZE)).isTrue();
        assertThat(window.mostRecentSequence()).isEqualTo(MAX - 1);
    }

    @Test
    void windowEdgeIsExactlyTwoHundredFiftySixBack() {
        ReplayProtection window = new ReplayProtection();
        assertThat(receive(window, 1000)).isTrue();
        assertThat(window.isAlreadyReceived(1000 - 256)).isTrue(); // sequence <= most_recent - 256: too old
        assertThat(window.isAlreadyReceived(1000 - 255)).isFalse();
        assertThat(receive(window, 1000 - 255)).isTrue();
        assertThat(receive(window, 1000 - 255)).isFalse();
        assertThat(window.mostRecentSequence()).isEqualTo(1000);
    }

    @Test
    void belowTwoHundredFiftySixNothingIsTooOld() {
        ReplayProtection window = new ReplayProtection();
        assertThat(receive(window, 255)).isTrue();
        assertThat(receive(window, 0)).isTrue();
        assertThat(receive(window, 0)).isFalse();
    }

    @Test
    void unsignedSequencesAboveTwoToTheSixtyThree() {
        ReplayProtection window = new ReplayProtection();
        long high = Long.MIN_VALUE + 5; // 2^63 + 5, negative as a long
        assertThat(receive(window, high)).isTrue();
        assertThat(window.mostRecentSequence()).isEqualTo(high);
        // a small sequence is ancient, not "newer" as a signed compare would say
        assertThat(receive(window, 7)).isFalse();
        assertThat(window.mostRecentSequence()).isEqualTo(high);
        assertThat(receive(window, high + 1)).isTrue();
        assertThat(receive(window, high - 1)).isTrue();
        assertThat(receive(window, high - 1)).isFalse();
        assertThat(window.mostRecentSequence()).isEqualTo(high + 1);
    }

    @Test
    void aNewerSequenceInTheSameSlotReplacesTheOlderOne() {
        ReplayProtection window = new ReplayProtection();
        assertThat(receive(window, 3)).isTrue();
        assertThat(receive(window, 3 + 256)).isTrue();
        // slot 3 now holds 259: 3 is older than what the slot holds
        assertThat(window.isAlreadyReceived(3)).isTrue();
        assertThat(window.isAlreadyReceived(259)).isTrue();
        assertThat(window.isAlreadyReceived(3 + 512)).isFalse();
    }

    @Test
    void resetForgetsEverything() {
        ReplayProtection window = new ReplayProtection();
        for (long s = 0; s < 600; s++) {
            receive(window, s);
        }
        window.reset();
        assertThat(window.mostRecentSequence()).isZero();
        for (long s = 0; s < 600; s += 37) {
            assertThat(window.isAlreadyReceived(s)).isFalse();
        }
    }
}
