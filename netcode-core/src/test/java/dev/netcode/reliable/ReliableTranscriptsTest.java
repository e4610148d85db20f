package dev.netcode.reliable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.Bytes;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@link ReliableEndpoint}s replaying the 6 transcripts of
 * {@code vectors/reliable/endpoint_transcripts.json} (loss, partial fragments, reordering,
 * duplicates, a burst longer than the ack window, the 16-bit wrap, size limits), exactly as its
 * README says: every datagram emitted is byte for byte the C library's, and after every step the
 * deliveries, the ack lists (in order), the next sequences and all counters are the C library's.
 */
class ReliableTranscriptsTest {

    private static final String FILE = "reliable/endpoint_transcripts.json";

    @TestFactory
    Stream<DynamicTest> everyTranscript() {
        List<JsonNode> transcripts = new ArrayList<>();
        TestVectors.load(FILE).get("transcripts").forEach(transcripts::add);
        return VectorSuite.of(FILE, transcripts, 6, this::replay);
    }

    /** Byte j of the payload sent in step (or warmup round) {@code step} by sender {@code e} with {@code n} bytes. */
    static byte[] payload(int step, int sender, int n) {
        byte[] out = new byte[n];
        for (int j = 0; j < n; j++) {
            out[j] = (byte) (step * 131 + n * 3 + sender * 97 + 0x5A + j * 7 + (j >> 8) * 13);
        }
        return out;
    }

    private void replay(JsonNode transcript) {
        Peer a = new Peer("A", 0);
        Peer b = new Peer("B", 1);
        Map<String, Peer> peers = Map.of("A", a, "B", b);

        int warmup = transcript.get("warmup_rounds").asInt();
        for (int r = 0; r < warmup; r++) {
            a.sendAndFeed(payload(r, 0, 1), b);
            b.sendAndFeed(payload(r, 1, 1), a);
            a.endpoint.clearAcks();
            b.endpoint.clearAcks();
        }
        if (warmup > 0) {
            JsonNode after = transcript.get("after_warmup");
            assertThat(a.endpoint.nextPacketSequence()).as("A's next sequence after the warmup").isEqualTo(after.get("next_sequence_A").asInt());
            assertThat(b.endpoint.nextPacketSequence()).as("B's next sequence after the warmup").isEqualTo(after.get("next_sequence_B").asInt());
            assertCounters(a, after.get("counters_A"), "after the warmup");
            assertCounters(b, after.get("counters_B"), "after the warmup");
        }
        a.delivered.clear();
        b.delivered.clear();

        Map<Integer, List<byte[]>> sent = new HashMap<>();
        Map<Integer, Peer> senderOf = new HashMap<>();
        Map<String, TreeSet<Integer>> acked = Map.of("A", new TreeSet<>(), "B", new TreeSet<>());
        for (JsonNode step : transcript.get("steps")) {
            int index = step.get("step").asInt();
            String at = "step " + index;
            double time = (index + 1) / 60.0;
            a.endpoint.update(time);
            b.endpoint.update(time);

            Peer sender = peers.get(step.get("sender").asString());
            int n = step.get("payload_bytes").asInt();
            byte[] payload = payload(index, sender.id, n);
            assertThat(Bytes.toHex(payload)).as("%s payload (the payload rule)", at).isEqualTo(step.get("payload").asString());
            assertThat(sender.endpoint.nextPacketSequence()).as("%s sequence", at).isEqualTo(step.get("sequence").asInt());
            sender.transmitted.clear();
            assertThat(sender.endpoint.sendPacket(payload, 0, n)).as("%s sequence consumed", at)
                    .isEqualTo(step.get("sequence_consumed").asBoolean());
            List<String> expectedDatagrams = new ArrayList<>();
            step.get("datagrams").forEach(d -> expectedDatagrams.add(d.get("hex").asString()));
            assertThat(sender.transmitted.stream().map(Bytes::toHex).toList()).as("%s datagrams", at).isEqualTo(expectedDatagrams);
            if (!step.get("header").isNull()) {
                byte[] first = sender.transmitted.get(0);
                int headerAt = step.get("datagrams").get(0).get("kind").asString().equals("fragment") ? FragmentHeader.BYTES : 0;
                PacketHeader header = new PacketHeader();
                assertThat(header.read(first, headerAt, first.length - headerAt)).isPositive();
                assertThat(header.sequence()).as("%s header sequence", at).isEqualTo(step.get("header").get("sequence").asInt());
                assertThat(header.ack()).as("%s header ack", at).isEqualTo(step.get("header").get("ack").asInt());
                assertThat(header.ackBits()).as("%s header ack_bits", at).isEqualTo((int) step.get("header").get("ack_bits").asLong());
            }
            for (int d = 0; d < step.get("datagrams").size(); d++) {
                JsonNode listed = step.get("datagrams").get(d);
                byte[] datagram = sender.transmitted.get(d);
                assertThat(datagram).as("%s datagram %d size", at, d).hasSize(listed.get("bytes").asInt());
                if (listed.get("kind").asString().equals("fragment")) {
                    FragmentHeader fragment = new FragmentHeader();
                    assertThat(fragment.read(datagram, 0, datagram.length, 16, 1024)).isEqualTo(FragmentHeader.BYTES);
                    assertThat(fragment.sequence()).isEqualTo(listed.get("sequence").asInt());
                    assertThat(fragment.fragmentId()).isEqualTo(listed.get("fragment_id").asInt());
                    assertThat(fragment.fragmentCount()).isEqualTo(listed.get("num_fragments").asInt());
                }
            }
            sent.put(index, new ArrayList<>(sender.transmitted));
            senderOf.put(index, sender);

            for (JsonNode delivery : step.get("deliver")) {
                int fromStep = delivery.get(0).asInt();
                byte[] datagram = sent.get(fromStep).get(delivery.get(1).asInt());
                Peer receiver = senderOf.get(fromStep) == a ? b : a;
                receiver.endpoint.receivePacket(datagram, 0, datagram.length);
            }

            List<String> expectedDelivered = new ArrayList<>();
            step.get("delivered").forEach(d -> expectedDelivered.add(d.get("to").asString() + " " + d.get("sequence").asInt()
                    + " " + d.get("payload_bytes").asInt() + " " + d.get("payload").asString()));
            List<String> delivered = new ArrayList<>(a.delivered);
            delivered.addAll(b.delivered);
            // Only one endpoint receives in a step unless the deliveries go both ways; keep the recorded order per endpoint.
            assertThat(delivered).as("%s deliveries", at).containsExactlyInAnyOrderElementsOf(expectedDelivered);
            assertThat(a.delivered).as("%s deliveries to A, in order", at)
                    .isEqualTo(expectedDelivered.stream().filter(d -> d.startsWith("A ")).toList());
            assertThat(b.delivered).as("%s deliveries to B, in order", at)
                    .isEqualTo(expectedDelivered.stream().filter(d -> d.startsWith("B ")).toList());
            a.delivered.clear();
            b.delivered.clear();

            for (Peer peer : List.of(a, b)) {
                List<Integer> expectedAcks = new ArrayList<>();
                step.get("acks").get(peer.name).forEach(ack -> expectedAcks.add(ack.asInt()));
                assertThat(peer.acks()).as("%s acks of %s", at, peer.name).isEqualTo(expectedAcks);
                acked.get(peer.name).addAll(expectedAcks);
                peer.endpoint.clearAcks();
                assertThat(peer.endpoint.nextPacketSequence()).as("%s next sequence of %s", at, peer.name)
                        .isEqualTo(step.get("next_sequence").get(peer.name).asInt());
                assertCounters(peer, step.get("counters").get(peer.name), at);
            }
        }
        for (String name : List.of("A", "B")) {
            List<Integer> expected = new ArrayList<>();
            transcript.get("acked_during_transcript").get(name).forEach(ack -> expected.add(ack.asInt()));
            assertThat(new ArrayList<>(acked.get(name))).as("acked during the transcript by %s", name).isEqualTo(expected);
        }
    }

    private static void assertCounters(Peer peer, JsonNode expected, String at) {
        for (ReliableCounter counter : ReliableCounter.values()) {
            String name = counter.name().toLowerCase();
            assertThat(expected.has(name)).as("counter %s listed", name).isTrue();
            assertThat(peer.endpoint.counter(counter)).as("%s counter %s of %s", at, name, peer.name)
                    .isEqualTo(expected.get(name).asLong());
        }
    }

    private static final class Peer {

        final String name;
        final int id;
        final List<byte[]> transmitted = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();
        final ReliableEndpoint endpoint;

        Peer(String name, int id) {
            this.name = name;
            this.id = id;
            endpoint = new ReliableEndpoint(ReliableConfig.defaults(), 0.0,
                    (sequence, datagram, offset, length) -> transmitted.add(Arrays.copyOfRange(datagram, offset, offset + length)),
                    (sequence, payload, offset, length) -> {
                        delivered.add(name + " " + sequence + " " + length + " "
                                + Bytes.toHex(Arrays.copyOfRange(payload, offset, offset + length)));
                        return true;
                    });
        }

        /** The warmup: send one packet and feed what it transmitted straight to {@code peer}. */
        void sendAndFeed(byte[] payload, Peer peer) {
            transmitted.clear();
            endpoint.sendPacket(payload, 0, payload.length);
            for (byte[] datagram : transmitted) {
                peer.endpoint.receivePacket(datagram, 0, datagram.length);
            }
            peer.delivered.clear();
        }

        List<Integer> acks() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < endpoint.ackCount(); i++) {
                out.add(endpoint.ack(i));
            }
            return out;
        }
    }
}
