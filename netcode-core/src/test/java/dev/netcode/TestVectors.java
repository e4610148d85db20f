package dev.netcode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.address.NetcodeAddress;

/**
 * Loads the byte-exact vectors produced by the C reference (copied from {@code shared/test-vectors}
 * into {@code src/test/resources/vectors}) and decodes their conventions: byte strings are hex in
 * wire order, u64 values are 16 hex digits most significant first.
 */
public final class TestVectors {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TestVectors() {
    }

    public static JsonNode load(String name) {
        try (InputStream in = TestVectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector file " + name);
            }
            return MAPPER.readTree(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static List<JsonNode> vectors(String name) {
        List<JsonNode> out = new ArrayList<>();
        load(name).get("vectors").forEach(out::add);
        return out;
    }

    public static byte[] hex(JsonNode node) {
        return Bytes.fromHex(node.asString());
    }

    public static long u64(JsonNode node) {
        return Long.parseUnsignedLong(node.asString(), 16);
    }

    public static NetcodeAddress address(JsonNode node) {
        return NetcodeAddress.parse(node.get("address").asString());
    }

    public static List<NetcodeAddress> addresses(JsonNode array) {
        List<NetcodeAddress> out = new ArrayList<>();
        array.forEach(a -> out.add(address(a)));
        return out;
    }
}
