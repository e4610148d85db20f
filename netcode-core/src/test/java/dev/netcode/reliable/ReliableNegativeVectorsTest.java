package dev.netcode.reliable;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.Bytes;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * {@link ReliableEndpoint#receivePacket} against the 57 datagrams of
 * {@code vectors/reliable/negative.json} (48 the C library {@code reliable} rejects, 9 it accepts):
 * on a fresh endpoint with the default config, after the vector's setup datagrams, each one moves
 * exactly the listed counters by exactly the listed amounts, leaves every other counter alone, and
 * is delivered (with the listed payload) exactly when the C library delivers it.
 */
class ReliableNegativeVectorsTest {

    private static final String FILE = "reliable/negative.json";

    @TestFactory
    Stream<DynamicTest> everyNegativeVector() {
        return VectorSuite.of(FILE, TestVectors.vectors(FILE), 57, this::checkVector);
    }

    private void checkVector(JsonNode v) {
        Delivery delivery = new Delivery();
        ReliableEndpoint endpoint = new ReliableEndpoint(ReliableConfig.defaults(), 0.0, (sequence, datagram, offset, length) -> {
            throw new AssertionError("a receiver transmitted");
        }, delivery);
        for (JsonNode setup : v.get("setup")) {
            byte[] datagram = TestVectors.hex(setup);
            endpoint.receivePacket(datagram, 0, datagram.length);
        }
        Map<ReliableCounter, Long> before = counters(endpoint);
        delivery.count = 0;
        byte[] datagram = TestVectors.hex(v.get("datagram"));
        assertThat(datagram).hasSize(v.get("datagram_bytes").asInt());

        assertThatCode(() -> endpoint.receivePacket(datagram, 0, datagram.length)).doesNotThrowAnyException();

        Map<ReliableCounter, Long> expected = new EnumMap<>(ReliableCounter.class);
        for (ReliableCounter counter : ReliableCounter.values()) {
            JsonNode delta = v.get("counter_deltas").get(counter.name().toLowerCase());
            expected.put(counter, before.get(counter) + (delta == null ? 0 : delta.asLong()));
        }
        assertThat(counters(endpoint)).as("counters after the datagram").isEqualTo(expected);
        assertThat(v.get("counter_deltas").size()).as("counters named in the vector").isEqualTo(
                (int) expected.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey()))).count());
        boolean delivered = v.get("delivered").asBoolean();
        assertThat(delivery.count).as("deliveries").isEqualTo(delivered ? 1 : 0);
        if (v.has("delivered_payload")) {
            assertThat(delivery.payloadHex).isEqualTo(v.get("delivered_payload").asString());
            assertThat(delivery.payloadHex).hasSize(2 * v.get("delivered_payload_bytes").asInt());
        }
    }

    static Map<ReliableCounter, Long> counters(ReliableEndpoint endpoint) {
        Map<ReliableCounter, Long> out = new EnumMap<>(ReliableCounter.class);
        for (ReliableCounter counter : ReliableCounter.values()) {
            out.put(counter, endpoint.counter(counter));
        }
        return out;
    }

    private static final class Delivery implements ReliableEndpoint.Processor {

        int count;
        String payloadHex;

        @Override
        public boolean process(int sequence, byte[] payload, int offset, int length) {
            count++;
            payloadHex = Bytes.toHex(Arrays.copyOfRange(payload, offset, offset + length));
            return true;
        }
    }
}
