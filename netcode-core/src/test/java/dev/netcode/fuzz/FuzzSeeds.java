package dev.netcode.fuzz;

import static dev.netcode.fuzz.FuzzFixtures.datagram;
import static dev.netcode.fuzz.FuzzFixtures.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.netcode.NetcodeProtocol;
import dev.netcode.TestVectors;
import dev.netcode.fuzz.FuzzFixtures.Datagram;
import dev.netcode.reliable.FragmentHeader;
import dev.netcode.reliable.PacketHeader;

/**
 * The seed corpus of every fuzz target, built from the shared test vectors (and, for the stateful
 * targets, the fixtures' deterministic tokens). {@link FuzzSeedsTest} writes these to
 * {@code src/test/resources/dev/netcode/fuzz/<Class>Inputs/<method>/seed-<name>}, where Jazzer runs
 * them as regression inputs and starts fuzzing from them, and checks that the committed files match.
 */
final class FuzzSeeds {

    /** One fuzz target: its class, its method, and its seeds by name. */
    record Target(Class<?> testClass, String method, Map<String, byte[]> seeds) {

        String resourceDirectory() {
            return testClass.getPackageName().replace('.', '/') + "/" + testClass.getSimpleName() + "Inputs/" + method;
        }
    }

    private FuzzSeeds() {
    }

    static List<Target> all() {
        return List.of(
                new Target(PacketReaderFuzzTest.class, "readEncrypted", packetReader()),
                new Target(ConnectTokenFuzzTest.class, "readPublicToken", publicToken()),
                new Target(PrivateTokenFuzzTest.class, "readPrivateToken", privateToken()),
                new Target(ConnectionRequestFuzzTest.class, "readConnectionRequest", connectionRequest()),
                new Target(ServerReceiveFuzzTest.class, "serverReceive", serverReceive()),
                new Target(ClientReceiveFuzzTest.class, "clientReceive", clientReceive()),
                new Target(ReliableHeaderFuzzTest.class, "readHeader", reliableHeader()),
                new Target(ReliableFragmentHeaderFuzzTest.class, "readFragmentHeader", reliableFragmentHeader()),
                new Target(ReliableEndpointFuzzTest.class, "receivePacket", reliableEndpoint()),
                new Target(dev.netcode.message.ChannelFramingFuzzTest.class, "readPacket",
                        dev.netcode.message.ChannelFramingFuzzTest.seeds()),
                new Target(dev.netcode.message.BlockReassemblyFuzzTest.class, "reassemble",
                        dev.netcode.message.BlockReassemblyFuzzTest.seeds()));
    }

    // ---- vectors --------------------------------------------------------------------------------

    private static final String[] SEQUENCES = {"0000000000000000", "0000000100000000", "ffffffffffffffff"};

    static byte[] packet(String name) {
        for (JsonNode v : TestVectors.vectors("packets.json")) {
            if (v.get("name").asString().equals(name)) {
                return TestVectors.hex(v.get("outputs").get("packet"));
            }
        }
        throw new IllegalArgumentException("no packet vector " + name);
    }

    static byte[] negative(String name) {
        for (JsonNode v : TestVectors.vectors("negative.json")) {
            if (v.get("name").asString().equals(name)) {
                return TestVectors.hex(v.has("packet") ? v.get("packet") : v.get("token"));
            }
        }
        throw new IllegalArgumentException("no negative vector " + name);
    }

    static List<JsonNode> negatives(String kind) {
        return TestVectors.vectors("negative.json").stream().filter(v -> v.get("kind").asString().equals(kind)).toList();
    }

    static byte[] vectorRequest() {
        return TestVectors.hex(TestVectors.vectors("connection_request_packet.json").get(0).get("outputs").get("packet"));
    }

    static byte[] keepAlive(String sequence) {
        return packet("keep_alive_seq_" + sequence);
    }

    static byte[] payload(int bytes, String sequence) {
        return packet("payload_" + bytes + "_bytes_seq_" + sequence);
    }

    static byte[] disconnect(String sequence) {
        return packet("disconnect_seq_" + sequence);
    }

    static byte[] denied(String sequence) {
        return packet("connection_denied_seq_" + sequence);
    }

    static byte[] challenge(String sequence) {
        return packet("connection_challenge_seq_" + sequence);
    }

    static byte[] response(String sequence) {
        return packet("connection_response_seq_" + sequence);
    }

    static byte[] prefixed(int config, byte[] bytes) {
        byte[] out = new byte[bytes.length + 1];
        out[0] = (byte) config;
        System.arraycopy(bytes, 0, out, 1, bytes.length);
        return out;
    }

    // ---- targets ----------------------------------------------------------------------------------

    /** Config byte: 0 server types, 1 client types, 2 every type, +4 wrong key, +8 replay window. */
    static Map<String, byte[]> packetReader() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        int[] configs = {0x02, 0x0A, 0x00, 0x01, 0x1A, 0x06};
        int i = 0;
        for (String type : new String[] {"connection_denied", "connection_challenge", "connection_response",
                "keep_alive", "disconnect"}) {
            for (String sequence : SEQUENCES) {
                String name = type + "_seq_" + sequence;
                int config = configs[i++ % configs.length];
                seeds.put(name + "_cfg" + config, prefixed(config, packet(name)));
            }
        }
        for (int size : new int[] {1, 100, 1200}) {
            for (String sequence : new String[] {"0000000000000000", "ffffffffffffffff"}) {
                int config = configs[i++ % configs.length];
                seeds.put("payload_" + size + "_seq_" + sequence + "_cfg" + config,
                        prefixed(config, payload(size, sequence)));
            }
        }
        for (JsonNode v : negatives("encrypted_packet")) {
            seeds.put("negative_" + v.get("name").asString(), prefixed(0x02, TestVectors.hex(v.get("packet"))));
        }
        seeds.put("negative_payload_replayed_window", prefixed(0x0A, negative("payload_replayed")));
        return seeds;
    }

    static Map<String, byte[]> publicToken() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (JsonNode v : TestVectors.vectors("connect_token_public.json")) {
            seeds.put(v.get("name").asString(), TestVectors.hex(v.get("outputs").get("token")));
        }
        for (JsonNode v : negatives("connect_token_public")) {
            seeds.put("negative_" + v.get("name").asString(), TestVectors.hex(v.get("token")));
        }
        byte[] token = TestVectors.hex(TestVectors.vectors("connect_token_public.json").get(0).get("outputs").get("token"));
        seeds.put("loopback_cut_after_keys", Arrays.copyOf(token, 1093 + 7 + 19 + 64));
        seeds.put("fixture_two_servers", FuzzFixtures.token(0xC, FuzzFixtures.SERVER, FuzzFixtures.SERVER_V6).toBytes());
        return seeds;
    }

    static Map<String, byte[]> privateToken() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (JsonNode v : TestVectors.vectors("connect_token_private.json")) {
            seeds.put(v.get("name").asString(), TestVectors.hex(v.get("outputs").get("plaintext")));
        }
        for (JsonNode v : TestVectors.vectors("connect_token_public.json")) {
            seeds.put("public_" + v.get("name").asString(), TestVectors.hex(v.get("outputs").get("private_plaintext")));
        }
        for (JsonNode v : negatives("connection_request_private_token")) {
            seeds.put("negative_" + v.get("name").asString(), TestVectors.hex(v.get("private_plaintext")));
        }
        return seeds;
    }

    /** Config byte: clock 0 = the vectors' now, 1 = 29 s later, 2 = 30 s later (expiry); +0x80 restart rule. */
    static Map<String, byte[]> connectionRequest() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (JsonNode v : TestVectors.vectors("connection_request_packet.json")) {
            seeds.put(v.get("name").asString(), prefixed(0, TestVectors.hex(v.get("outputs").get("packet"))));
        }
        seeds.put("loopback_restart_rule", prefixed(0x80, vectorRequest()));
        seeds.put("loopback_one_second_before_expiry", prefixed(1, vectorRequest()));
        for (String kind : new String[] {"connection_request", "connection_request_private_token"}) {
            for (JsonNode v : negatives(kind)) {
                long now = TestVectors.u64(v.get("read_with").get("current_timestamp"));
                int config = (int) (now - FuzzFixtures.UNIX_NOW) == 30 ? 2 : (int) (now - FuzzFixtures.UNIX_NOW) == 29 ? 1 : 0;
                seeds.put("negative_" + v.get("name").asString(), prefixed(config, TestVectors.hex(v.get("packet"))));
            }
        }
        seeds.put("fixture_client_a", prefixed(0, ServerReceiveFuzzTest.REQUEST_A));
        return seeds;
    }

    // Server sources: 0 stranger, 1 connected A, 2 mapped B, 3 IPv6 stranger; +4 at an offset.
    private static final int STRANGER = 0;
    private static final int A = 1;
    private static final int B = 2;
    private static final int STRANGER_V6 = 3;
    private static final int AT_OFFSET = 4;
    private static final int TICK_2S = 8;

    /** Config byte: 1 = two slots (new requests challenged), 0 = one slot (new requests denied). */
    static Map<String, byte[]> serverReceive() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        String s0 = SEQUENCES[0];
        String sMax = SEQUENCES[2];
        seeds.put("a_keep_alive", frame(1, datagram(A, keepAlive(s0))));
        seeds.put("a_payload_1", frame(1, datagram(A, payload(1, s0))));
        seeds.put("a_payload_100_max_sequence", frame(1, datagram(A, payload(100, sMax))));
        seeds.put("a_payload_1200_at_offset", frame(1, datagram(A | AT_OFFSET, payload(1200, s0))));
        seeds.put("a_disconnect", frame(1, datagram(A, disconnect(s0))));
        seeds.put("a_response_already_connected", frame(1, datagram(A, response(s0))));
        seeds.put("a_challenge_bad_type", frame(1, datagram(A, challenge(s0))));
        seeds.put("a_denied_bad_type", frame(1, datagram(A, denied(s0))));
        seeds.put("a_own_request_again", frame(1, datagram(A, ServerReceiveFuzzTest.REQUEST_A)));
        seeds.put("a_payload_replayed", frame(1, datagram(A, payload(7, "0000000000000001")),
                datagram(A, payload(7, "0000000000000001"))));
        seeds.put("a_keep_alive_payload_disconnect_payload", frame(1, datagram(A, keepAlive(s0)),
                datagram(A, payload(100, "0000000000000001")), datagram(A, disconnect("00000000000000ff")),
                datagram(A, payload(100, "0000000000010000"))));
        List<JsonNode> negatives = negatives("encrypted_packet");
        seeds.put("a_negatives_1", frame(1, negatives.subList(0, 13).stream()
                .map(v -> datagram(A, TestVectors.hex(v.get("packet")))).toArray(Datagram[]::new)));
        seeds.put("a_negatives_2", frame(1, negatives.subList(13, negatives.size()).stream()
                .map(v -> datagram(A | AT_OFFSET, TestVectors.hex(v.get("packet")))).toArray(Datagram[]::new)));
        seeds.put("b_response_bad_challenge_token", frame(1, datagram(B, response(s0))));
        seeds.put("b_keep_alive_unexpected", frame(1, datagram(B, keepAlive(s0))));
        seeds.put("b_payload_unexpected", frame(1, datagram(B, payload(100, s0))));
        seeds.put("b_disconnect_unexpected", frame(1, datagram(B, disconnect(s0))));
        seeds.put("b_request_again_one_slot", frame(0, datagram(B, ServerReceiveFuzzTest.REQUEST_B)));
        seeds.put("b_request_again_two_slots", frame(1, datagram(B, ServerReceiveFuzzTest.REQUEST_B)));
        seeds.put("stranger_vector_request_challenged", frame(1, datagram(STRANGER, vectorRequest())));
        seeds.put("stranger_vector_request_denied", frame(0, datagram(STRANGER, vectorRequest())));
        seeds.put("stranger_request_for_another_server", frame(1, datagram(STRANGER, TestVectors.hex(
                TestVectors.vectors("connection_request_packet.json").get(1).get("outputs").get("packet")))));
        seeds.put("stranger_request_then_response", frame(1, datagram(STRANGER, vectorRequest()),
                datagram(STRANGER, response("0000000000000001"))));
        seeds.put("stranger_a_request_client_id_taken", frame(1, datagram(STRANGER, ServerReceiveFuzzTest.REQUEST_A)));
        seeds.put("stranger_b_request_token_taken", frame(1, datagram(STRANGER_V6, ServerReceiveFuzzTest.REQUEST_B)));
        seeds.put("stranger_keep_alive_no_key", frame(1, datagram(STRANGER, keepAlive(s0))));
        seeds.put("stranger_short", frame(1, datagram(STRANGER, new byte[0]), datagram(STRANGER, new byte[] {0}),
                datagram(STRANGER_V6, new byte[] {5, 0})));
        seeds.put("v6_stranger_request_at_offset", frame(1, datagram(STRANGER_V6 | AT_OFFSET, vectorRequest())));
        seeds.put("ticks_a_keeps_alive", frame(1, datagram(A | TICK_2S, keepAlive(s0)),
                datagram(A | TICK_2S, keepAlive("0000000000000001")), datagram(STRANGER | TICK_2S, new byte[] {4}),
                datagram(STRANGER | TICK_2S, new byte[] {4}), datagram(STRANGER | TICK_2S, new byte[] {4}),
                datagram(STRANGER | TICK_2S, new byte[] {4}), datagram(STRANGER | TICK_2S, new byte[] {4}),
                datagram(A | TICK_2S, keepAlive("00000000000000ff"))));
        Datagram[] silence = new Datagram[9];
        Arrays.fill(silence, datagram(B | TICK_2S, keepAlive(s0)));
        seeds.put("ticks_a_times_out_b_expires", frame(1, silence));
        Datagram[] late = new Datagram[16];
        Arrays.fill(late, datagram(STRANGER_V6 | TICK_2S, new byte[] {1, 2}));
        late[15] = datagram(STRANGER | TICK_2S, vectorRequest());
        seeds.put("ticks_tokens_expire", frame(1, late));
        for (JsonNode v : negatives("connection_request")) {
            if (v.get("name").asString().startsWith("request_truncated") || v.get("name").asString().contains("flip")) {
                seeds.put("stranger_negative_" + v.get("name").asString(),
                        frame(1, datagram(STRANGER, TestVectors.hex(v.get("packet")))));
            }
        }
        for (JsonNode v : negatives("connection_request_private_token")) {
            seeds.put("stranger_negative_" + v.get("name").asString(),
                    frame(1, datagram(STRANGER, TestVectors.hex(v.get("packet")))));
        }
        return seeds;
    }

    // Client sources: 0 its server (127.0.0.1:40000), 1 the token's second server, 2 stranger, 3 itself;
    // +4 at an offset, +8 tick the clock (update) first.
    private static final int SERVER = 0;
    private static final int SERVER_2 = 1;
    private static final int STRANGER_C = 2;
    private static final int SELF = 3;
    private static final int TICK = 8;

    /** A tick of {@code seconds} (1..15) before the datagram. */
    private static int tick(int seconds) {
        return TICK | seconds << 4;
    }

    /** Config byte: 0 = sending requests, 1 = sending responses, 2 = connected. */
    static Map<String, byte[]> clientReceive() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        String s0 = SEQUENCES[0];
        seeds.put("requesting_challenge", frame(0, datagram(SERVER, challenge(s0)), datagram(SERVER | TICK,
                keepAlive("0000000000000001"))));
        seeds.put("requesting_denied_next_server", frame(0, datagram(SERVER, denied(s0)),
                datagram(SERVER_2 | TICK, challenge("0000000000000100"))));
        seeds.put("requesting_challenge_wrong_source", frame(0, datagram(STRANGER_C, challenge(s0)),
                datagram(SELF, challenge(s0))));
        seeds.put("requesting_keep_alive_unexpected", frame(0, datagram(SERVER, keepAlive(s0))));
        seeds.put("requesting_challenge_max_sequence_at_offset", frame(0, datagram(SERVER | AT_OFFSET,
                challenge(SEQUENCES[2]))));
        seeds.put("responding_keep_alive", frame(1, datagram(SERVER | TICK, keepAlive("00000000000000ff"))));
        seeds.put("responding_challenge_again", frame(1, datagram(SERVER, challenge("0000000000000001"))));
        seeds.put("responding_response_bad_type", frame(1, datagram(SERVER, response(s0))));
        seeds.put("responding_denied_twice", frame(1, datagram(SERVER, denied(s0)), datagram(SERVER | TICK,
                keepAlive("0000000000000001")), datagram(SERVER_2 | TICK, denied("0000000000000001")),
                datagram(SERVER_2 | TICK, denied("0000000000000100"))));
        seeds.put("responding_denied_then_admitted", frame(1, datagram(SERVER, denied(s0)),
                datagram(SERVER, keepAlive("0000000000000001")), datagram(SERVER | TICK, payload(1, "00000000000000ff"))));
        seeds.put("connected_payload_1", frame(2, datagram(SERVER, payload(1, "0000000000000001"))));
        seeds.put("connected_payload_100_at_offset", frame(2, datagram(SERVER | AT_OFFSET,
                payload(100, "00000000000000ff"))));
        seeds.put("connected_payload_1200", frame(2, datagram(SERVER, payload(1200, SEQUENCES[1]))));
        seeds.put("connected_payload_replayed", frame(2, datagram(SERVER, payload(7, "0000000000000001")),
                datagram(SERVER, payload(7, "0000000000000001")), datagram(SERVER, payload(7, s0))));
        seeds.put("connected_keep_alive_ticks", frame(2, datagram(SERVER | TICK, keepAlive("0000000000000001")),
                datagram(SERVER | TICK, keepAlive("00000000000000ff")), datagram(STRANGER_C | TICK, keepAlive(
                        "0000000000000100"))));
        seeds.put("connected_disconnect_next_server", frame(2, datagram(SERVER, disconnect("0000000000000001")),
                datagram(SERVER_2 | TICK, challenge(s0)), datagram(SERVER_2, keepAlive(s0)),
                datagram(SERVER_2, disconnect("0000000000000001")), datagram(SERVER_2 | TICK, payload(1, s0))));
        seeds.put("connected_denied_unexpected", frame(2, datagram(SERVER, denied(s0))));
        seeds.put("connected_payload_from_second_server", frame(2, datagram(SERVER_2, payload(100, s0))));
        List<JsonNode> negatives = negatives("encrypted_packet");
        seeds.put("connected_negatives_1", frame(2, negatives.subList(0, 13).stream()
                .map(v -> datagram(SERVER, TestVectors.hex(v.get("packet")))).toArray(Datagram[]::new)));
        seeds.put("connected_negatives_2", frame(2, negatives.subList(13, negatives.size()).stream()
                .map(v -> datagram(SERVER | AT_OFFSET, TestVectors.hex(v.get("packet")))).toArray(Datagram[]::new)));
        seeds.put("requesting_negatives", frame(0, negatives.subList(0, 13).stream()
                .map(v -> datagram(SERVER, TestVectors.hex(v.get("packet")))).toArray(Datagram[]::new)));
        byte[] junk = {5, 1, 2, 3};
        seeds.put("requesting_times_out_on_both_servers", frame(0, datagram(STRANGER_C | tick(8), junk),
                datagram(STRANGER_C | tick(8), junk), datagram(SERVER_2 | tick(8), junk),
                datagram(SERVER_2 | tick(9), junk)));
        seeds.put("responding_token_expires", frame(1, datagram(SERVER | tick(14), denied(s0)),
                datagram(SERVER_2 | tick(14), challenge(s0)), datagram(SERVER_2 | tick(10), keepAlive(s0)),
                datagram(SERVER_2 | tick(10), keepAlive(s0)), datagram(SERVER_2 | tick(10), keepAlive(s0))));
        seeds.put("connected_times_out", frame(2, datagram(SERVER | tick(10), keepAlive("0000000000000001")),
                datagram(SERVER | tick(10), payload(1, "00000000000000ff")), datagram(SERVER | tick(15), junk),
                datagram(SERVER | tick(2), junk), datagram(SERVER_2 | tick(15), junk)));
        seeds.put("requesting_request_bad_type", frame(0, datagram(SERVER, vectorRequest())));
        seeds.put("requesting_short", frame(0, datagram(SERVER, new byte[0]), datagram(SERVER, new byte[] {2}),
                datagram(SERVER, Arrays.copyOf(challenge(s0), NetcodeProtocol.MAC_BYTES + 1))));
        return seeds;
    }

    // ---- reliable ---------------------------------------------------------------------------------

    private static List<JsonNode> reliableNegatives() {
        return TestVectors.vectors("reliable/negative.json");
    }

    private static boolean isFragment(byte[] datagram) {
        return datagram.length > 0 && (datagram[0] & 1) != 0;
    }

    /** Every 24th of the C library's header vectors, and its regular-shaped negative datagrams up to 64 bytes. */
    static Map<String, byte[]> reliableHeader() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        List<JsonNode> headers = TestVectors.vectors("reliable/packet_headers.json");
        for (int i = 0; i < headers.size(); i += 24) {
            seeds.put(headers.get(i).get("name").asString(), TestVectors.hex(headers.get(i).get("header")));
        }
        for (JsonNode v : reliableNegatives()) {
            byte[] datagram = TestVectors.hex(v.get("datagram"));
            if (!isFragment(datagram) && datagram.length <= 64) {
                seeds.put("negative_" + v.get("name").asString(), datagram);
            }
        }
        return seeds;
    }

    /**
     * Config byte: fragment size (bits 0-1) and most fragments (bits 2-7), 0 = the defaults. The
     * negative vectors' fragments (and their setup fragments) with the defaults, two of the
     * transcripts' fragments, and a few fragments for other limits.
     */
    static Map<String, byte[]> reliableFragmentHeader() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (JsonNode v : reliableNegatives()) {
            byte[] datagram = TestVectors.hex(v.get("datagram"));
            if (isFragment(datagram) && datagram.length <= FuzzFixtures.MAX_DATAGRAM) {
                seeds.put("negative_" + v.get("name").asString(), prefixed(0, datagram));
            }
            int n = 0;
            for (JsonNode setup : v.get("setup")) {
                byte[] bytes = TestVectors.hex(setup);
                if (isFragment(bytes)) {
                    seeds.put("negative_" + v.get("name").asString() + "_setup_" + n++, prefixed(0, bytes));
                }
            }
        }
        for (JsonNode step : reliableTranscript("alternating_no_loss").get("steps")) {
            if (step.get("payload_bytes").asInt() == 1025 && step.get("sender").asString().equals("A")) {
                seeds.put("transcript_1025_fragment_0", prefixed(0, TestVectors.hex(step.get("datagrams").get(0).get("hex"))));
                seeds.put("transcript_1025_fragment_1", prefixed(0, TestVectors.hex(step.get("datagrams").get(1).get("hex"))));
            }
        }
        byte[] small = new byte[FragmentHeader.BYTES + 16];
        FragmentHeader.write(small, 0, 0x1234, 3, 200);
        seeds.put("fragment_3_of_200_size_16", prefixed(0x02 | 49 << 2, small));
        byte[] first = new byte[FragmentHeader.BYTES + PacketHeader.MAX_BYTES + 1];
        FragmentHeader.write(first, 0, 0xFFFF, 0, 256);
        int header = PacketHeader.write(first, FragmentHeader.BYTES, 0xFFFF, 0x1234, 0x00FF00FF);
        seeds.put("fragment_0_of_256_size_1", prefixed(0x01 | 63 << 2, Arrays.copyOf(first, FragmentHeader.BYTES + header + 1)));
        return seeds;
    }

    /** Datagrams longer than the framing carries are seeded as their first 64 bytes padded to one too many (header bit 3). */
    private static Datagram reliableDatagram(int header, byte[] bytes) {
        return bytes.length > FuzzFixtures.MAX_DATAGRAM ? datagram(header | 8, Arrays.copyOf(bytes, 64)) : datagram(header, bytes);
    }

    private static JsonNode reliableTranscript(String name) {
        for (JsonNode transcript : TestVectors.load("reliable/endpoint_transcripts.json").get("transcripts")) {
            if (transcript.get("name").asString().equals(name)) {
                return transcript;
            }
        }
        throw new IllegalArgumentException("no transcript " + name);
    }

    /**
     * Config byte: bit 0 the processor rejects some payloads, bits 1-2 packets sent first. Each
     * negative vector (its setup, then its datagram), and the first 16 datagrams B receives in each
     * transcript without a warmup, some with sends, clock ticks and offsets mixed in.
     */
    static Map<String, byte[]> reliableEndpoint() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (JsonNode v : reliableNegatives()) {
            List<Datagram> records = new ArrayList<>();
            v.get("setup").forEach(setup -> records.add(reliableDatagram(0, TestVectors.hex(setup))));
            records.add(reliableDatagram(1, TestVectors.hex(v.get("datagram"))));
            seeds.put("negative_" + v.get("name").asString(), frame(0, records.toArray(Datagram[]::new)));
        }
        int variant = 0;
        for (JsonNode transcript : TestVectors.load("reliable/endpoint_transcripts.json").get("transcripts")) {
            if (transcript.get("warmup_rounds").asInt() > 0) {
                continue;
            }
            Map<Integer, JsonNode> steps = new HashMap<>();
            List<Datagram> records = new ArrayList<>();
            for (JsonNode step : transcript.get("steps")) {
                steps.put(step.get("step").asInt(), step);
                for (JsonNode delivery : step.get("deliver")) {
                    JsonNode from = steps.get(delivery.get(0).asInt());
                    if (from.get("sender").asString().equals("A") && records.size() < FuzzFixtures.MAX_RECORDS) {
                        int header = variant == 0 ? 0 : (records.size() % 3 == 0 ? 0x06 | records.size() << 4 : records.size() & 1);
                        records.add(reliableDatagram(header,
                                TestVectors.hex(from.get("datagrams").get(delivery.get(1).asInt()).get("hex"))));
                    }
                }
            }
            seeds.put("transcript_" + transcript.get("name").asString(), frame(variant == 0 ? 0 : 2 * variant + 1,
                    records.toArray(Datagram[]::new)));
            variant = (variant + 1) % 3;
        }
        return seeds;
    }
}
