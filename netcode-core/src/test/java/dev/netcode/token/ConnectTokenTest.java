package dev.netcode.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.Aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ConnectToken} against the C reference's public-token vectors and the public-token
 * negatives, and {@link ConnectTokenGenerator} against the reference's generator rules.
 */
class ConnectTokenTest {

    private static final String FILE = "connect_token_public.json";
    private static final long PROTOCOL_ID = 0x1122334455667788L;
    private static final long NOW = 1_700_000_000L;

    private final Aead aead = new Aead();

    // ---- connect_token_public.json ---------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyPublicTokenVector() {
        return VectorSuite.of(FILE, TestVectors.vectors(FILE), 2, this::checkVector);
    }

    private void checkVector(JsonNode v) {
        JsonNode in = v.get("inputs");
        JsonNode out = v.get("outputs");
        long protocolId = TestVectors.u64(in.get("protocol_id"));
        long create = TestVectors.u64(in.get("create_timestamp"));
        long expire = TestVectors.u64(in.get("expire_timestamp"));
        byte[] nonce = TestVectors.hex(in.get("nonce"));
        int timeout = in.get("timeout_seconds").asInt();
        long clientId = TestVectors.u64(in.get("client_id"));
        List<NetcodeAddress> publicAddresses = TestVectors.addresses(in.get("public_server_addresses"));
        List<NetcodeAddress> internalAddresses = TestVectors.addresses(in.get("internal_server_addresses"));
        byte[] c2s = TestVectors.hex(in.get("client_to_server_key"));
        byte[] s2c = TestVectors.hex(in.get("server_to_client_key"));
        byte[] userData = TestVectors.hex(in.get("user_data"));
        byte[] privateKey = TestVectors.hex(in.get("private_key"));
        byte[] expectedToken = TestVectors.hex(out.get("token"));
        byte[] expectedPlaintext = TestVectors.hex(out.get("private_plaintext"));
        byte[] expectedEncrypted = TestVectors.hex(out.get("private_encrypted"));
        assertThat(expectedToken).hasSize(2048);
        assertThat(TestVectors.hex(in.get("version_info"))).isEqualTo(NetcodeProtocol.versionInfo());

        // writing: the private part lists the internal addresses, the public part the public ones
        ConnectTokenPrivate privateToken = new ConnectTokenPrivate(clientId, timeout, internalAddresses, c2s, s2c,
                userData);
        byte[] plaintext = new byte[1024];
        privateToken.write(plaintext, 0);
        assertThat(plaintext).isEqualTo(expectedPlaintext);

        ConnectToken sealed = ConnectToken.seal(privateToken, publicAddresses, protocolId, create, expire, nonce,
                privateKey, aead);
        assertThat(sealed.sealedPrivate()).isEqualTo(expectedEncrypted);
        assertThat(sealed.toBytes()).isEqualTo(expectedToken);

        // reading the reference bytes gives back every field
        ConnectToken read = readValid(expectedToken);
        assertThat(read.protocolId()).isEqualTo(protocolId);
        assertThat(read.createTimestamp()).isEqualTo(create);
        assertThat(read.expireTimestamp()).isEqualTo(expire);
        assertThat(read.nonce()).isEqualTo(nonce);
        assertThat(read.sealedPrivate()).isEqualTo(expectedEncrypted);
        assertThat(read.timeoutSeconds()).isEqualTo(timeout);
        assertThat(read.serverAddresses()).containsExactlyElementsOf(publicAddresses);
        assertThat(read.clientToServerKey()).isEqualTo(c2s);
        assertThat(read.serverToClientKey()).isEqualTo(s2c);
        assertThat(read.toBytes()).isEqualTo(expectedToken);

        // the sealed private part opens with the server key and lists the internal addresses
        byte[] opened = read.sealedPrivate();
        assertThat(ConnectTokenPrivate.decrypt(aead, opened, 0, protocolId, expire, read.nonce(), privateKey)).isTrue();
        ConnectTokenPrivate inside = ConnectTokenPrivate.read(opened, 0);
        assertThat(inside).isNotNull();
        assertThat(inside.clientId()).isEqualTo(clientId);
        assertThat(inside.timeoutSeconds()).isEqualTo(timeout);
        assertThat(inside.serverAddresses()).containsExactlyElementsOf(internalAddresses);
        assertThat(inside.clientToServerKey()).isEqualTo(c2s);
        assertThat(inside.serverToClientKey()).isEqualTo(s2c);
        assertThat(inside.userData()).isEqualTo(userData);

        checkLayout(expectedToken, in, expectedEncrypted);
    }

    /** The {@code layout} object's offsets match our constants and the bytes of the reference token. */
    private static void checkLayout(byte[] token, JsonNode in, byte[] encrypted) {
        JsonNode layout = TestVectors.load(FILE).get("layout");
        Map<String, Integer> expectedOffsets = Map.of("version_info", 0, "protocol_id",
                ConnectToken.PROTOCOL_ID_OFFSET, "create_timestamp", ConnectToken.CREATE_TIMESTAMP_OFFSET,
                "expire_timestamp", ConnectToken.EXPIRE_TIMESTAMP_OFFSET, "nonce", ConnectToken.NONCE_OFFSET,
                "private_data", ConnectToken.PRIVATE_OFFSET, "timeout_seconds", ConnectToken.TIMEOUT_OFFSET,
                "num_server_addresses", ConnectToken.ADDRESS_COUNT_OFFSET, "server_addresses",
                ConnectToken.ADDRESSES_OFFSET);
        for (var e : expectedOffsets.entrySet()) {
            assertThat(layout.has(e.getKey())).as("layout has %s", e.getKey()).isTrue();
            assertThat(offsetIn(layout.get(e.getKey()).asString())).as("offset of %s", e.getKey())
                    .isEqualTo(e.getValue());
        }

        assertThat(Arrays.copyOfRange(token, 0, 13)).isEqualTo(NetcodeProtocol.versionInfo());
        assertThat(Bytes.readU64(token, 13)).isEqualTo(TestVectors.u64(in.get("protocol_id")));
        assertThat(Bytes.readU64(token, 21)).isEqualTo(TestVectors.u64(in.get("create_timestamp")));
        assertThat(Bytes.readU64(token, 29)).isEqualTo(TestVectors.u64(in.get("expire_timestamp")));
        assertThat(Arrays.copyOfRange(token, 37, 61)).isEqualTo(TestVectors.hex(in.get("nonce")));
        assertThat(Arrays.copyOfRange(token, 61, 1085)).isEqualTo(encrypted);
        assertThat(Bytes.readU32(token, 1085)).isEqualTo(in.get("timeout_seconds").asInt());
        JsonNode publicAddresses = in.get("public_server_addresses");
        assertThat(Bytes.readU32(token, 1089)).isEqualTo(publicAddresses.size());
        int p = 1093;
        for (JsonNode a : publicAddresses) {
            byte[] encoded = TestVectors.hex(a.get("encoded"));
            assertThat(Arrays.copyOfRange(token, p, p + encoded.length)).isEqualTo(encoded);
            p += encoded.length;
        }
        assertThat(Arrays.copyOfRange(token, p, p + 32)).isEqualTo(TestVectors.hex(in.get("client_to_server_key")));
        assertThat(Arrays.copyOfRange(token, p + 32, p + 64))
                .isEqualTo(TestVectors.hex(in.get("server_to_client_key")));
        assertThat(Arrays.copyOfRange(token, p + 64, 2048)).isEqualTo(new byte[2048 - p - 64]);
    }

    private static int offsetIn(String description) {
        Matcher m = Pattern.compile("offset (\\d+)").matcher(description);
        assertThat(m.find()).as("'%s' names an offset", description).isTrue();
        return Integer.parseInt(m.group(1));
    }

    // ---- negative.json, kind connect_token_public ------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyPublicTokenNegativeIsRefused() {
        List<JsonNode> negatives = TestVectors.vectors("negative.json").stream()
                .filter(v -> v.get("kind").asString().equals("connect_token_public"))
                .toList();
        return VectorSuite.of("negative.json (connect_token_public)", negatives, 6, v -> {
            assertThat(v.get("expected").asString()).isEqualTo("rejected");
            byte[] token = TestVectors.hex(v.get("token"));
            assertThat(token).hasSize(2048);
            assertThatThrownBy(() -> ConnectToken.read(token)).isInstanceOf(InvalidConnectTokenException.class);
        });
    }

    @Test
    void readRefusesWrongLengths() throws Exception {
        byte[] good = TestVectors.hex(TestVectors.vectors(FILE).get(0).get("outputs").get("token"));
        assertThat(ConnectToken.read(good)).isNotNull();
        assertThatThrownBy(() -> ConnectToken.read(Arrays.copyOf(good, 2047)))
                .isInstanceOf(InvalidConnectTokenException.class);
        assertThatThrownBy(() -> ConnectToken.read(Arrays.copyOf(good, 2049)))
                .isInstanceOf(InvalidConnectTokenException.class);
        assertThatThrownBy(() -> ConnectToken.read(new byte[0])).isInstanceOf(InvalidConnectTokenException.class);
        assertThatThrownBy(() -> ConnectToken.read(null)).isInstanceOf(InvalidConnectTokenException.class);
        assertThatThrownBy(() -> ConnectToken.read(new byte[2048])).isInstanceOf(InvalidConnectTokenException.class);
    }

    @Test
    void readComparesTimestampsUnsigned() throws Exception {
        byte[] good = TestVectors.hex(TestVectors.vectors(FILE).get(0).get("outputs").get("token"));
        // create 2^63 (negative as a long) before expire 2^64-1: valid although signed compare says otherwise
        byte[] t = good.clone();
        Bytes.writeU64(t, 21, Long.MIN_VALUE);
        Bytes.writeU64(t, 29, -1L);
        ConnectToken read = ConnectToken.read(t);
        assertThat(read.createTimestamp()).isEqualTo(Long.MIN_VALUE);
        assertThat(read.expireTimestamp()).isEqualTo(-1L);
        // create 2^64-1 after expire 2^63: invalid although signed compare says otherwise
        byte[] u = good.clone();
        Bytes.writeU64(u, 21, -1L);
        Bytes.writeU64(u, 29, Long.MIN_VALUE);
        assertThatThrownBy(() -> ConnectToken.read(u)).isInstanceOf(InvalidConnectTokenException.class);
        // create == expire is allowed
        byte[] w = good.clone();
        Bytes.writeU64(w, 21, Bytes.readU64(w, 29));
        assertThat(ConnectToken.read(w).createTimestamp()).isEqualTo(ConnectToken.read(w).expireTimestamp());
        // an address count of 2^32 - 1 (negative as an int) is refused
        byte[] x = good.clone();
        Bytes.writeU32(x, 1089, -1);
        assertThatThrownBy(() -> ConnectToken.read(x)).isInstanceOf(InvalidConnectTokenException.class);
    }

    // ---- ConnectTokenGenerator ---------------------------------------------------------------

    private static List<NetcodeAddress> addresses(int count, String prefix) {
        List<NetcodeAddress> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(NetcodeAddress.parse(prefix + (i + 1) + ":" + (40000 + i)));
        }
        return out;
    }

    private static byte[] countingKey(int start) {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (start + i);
        }
        return key;
    }

    /** The C test {@code test_generate_connect_token_out_of_range}. */
    @Test
    void generateRefusesAddressCountsOutsideOneToThirtyTwo() {
        ConnectTokenGenerator generator = new ConnectTokenGenerator(countingKey(0xa0), PROTOCOL_ID, () -> NOW);
        assertThatThrownBy(() -> generator.generate(1, List.of(), 30, 5, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.generate(1, addresses(33, "10.0.0."), 30, 5, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.generate(1, addresses(1, "10.0.0."), List.of(), 30, 5, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.generate(1, addresses(2, "10.0.0."), addresses(1, "10.1.0."), 30, 5, null))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(generator.generate(1, addresses(1, "10.0.0."), 30, 5, null).serverAddresses()).hasSize(1);
        ConnectToken max = generator.generate(1, addresses(32, "10.0.0."), 30, 5, null);
        assertThat(max.serverAddresses()).hasSize(32);
        assertThat(Bytes.readU32(max.toBytes(), 1089)).isEqualTo(32);
    }

    @Test
    void expireSecondsAreAddedToTheClockAndNegativeMeansNever() throws Exception {
        ConnectTokenGenerator generator = new ConnectTokenGenerator(countingKey(0xa0), PROTOCOL_ID, () -> NOW);
        ConnectToken finite = generator.generate(1, addresses(1, "10.0.0."), 30, 5, null);
        assertThat(finite.createTimestamp()).isEqualTo(NOW);
        assertThat(finite.expireTimestamp()).isEqualTo(NOW + 30);

        ConnectToken never = generator.generate(1, addresses(1, "10.0.0."), -1, -1, null);
        assertThat(never.createTimestamp()).isEqualTo(NOW);
        assertThat(never.expireTimestamp()).isEqualTo(0xFFFFFFFFFFFFFFFFL);
        assertThat(Long.toUnsignedString(never.expireTimestamp())).isEqualTo("18446744073709551615");
        byte[] bytes = never.toBytes();
        assertThat(Bytes.toHex(Arrays.copyOfRange(bytes, 29, 37))).isEqualTo("ffffffffffffffff");
        assertThat(Bytes.toHex(Arrays.copyOfRange(bytes, 1085, 1089))).isEqualTo("ffffffff");
        assertThat(ConnectToken.read(bytes).expireTimestamp()).isEqualTo(-1L);
        assertThat(never.toString()).contains("18446744073709551615");

        // the never-expiring token's private part is bound to the all-ones expiry
        byte[] opened = never.sealedPrivate();
        assertThat(ConnectTokenPrivate.decrypt(aead, opened, 0, PROTOCOL_ID, -1L, never.nonce(), countingKey(0xa0)))
                .isTrue();
        assertThat(ConnectTokenPrivate.read(opened, 0).timeoutSeconds()).isEqualTo(-1);
    }

    @Test
    void userDataOfMoreThan256BytesIsRefused() {
        ConnectTokenGenerator generator = new ConnectTokenGenerator(countingKey(0xa0), PROTOCOL_ID, () -> NOW);
        assertThatThrownBy(() -> generator.generate(1, addresses(1, "10.0.0."), 30, 5, new byte[257]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(generator.generate(1, addresses(1, "10.0.0."), 30, 5, new byte[256])).isNotNull();
    }

    @Test
    void generatorRefusesABadPrivateKey() {
        assertThatThrownBy(() -> new ConnectTokenGenerator(new byte[31], PROTOCOL_ID))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectTokenGenerator(null, PROTOCOL_ID))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatedTokenHidesInternalAddressesInItsPrivatePart() throws Exception {
        byte[] privateKey = countingKey(0xa0);
        ConnectTokenGenerator generator = new ConnectTokenGenerator(privateKey, PROTOCOL_ID, () -> NOW);
        assertThat(generator.protocolId()).isEqualTo(PROTOCOL_ID);
        List<NetcodeAddress> publicAddresses = List.of(NetcodeAddress.parse("203.0.113.7:40000"),
                NetcodeAddress.parse("[2001:db8::7]:40000"));
        List<NetcodeAddress> internalAddresses = List.of(NetcodeAddress.parse("10.0.0.7:40001"),
                NetcodeAddress.parse("[fd00::7]:40001"));
        byte[] userData = new byte[100];
        for (int i = 0; i < userData.length; i++) {
            userData[i] = (byte) (i * 3);
        }
        ConnectToken token = generator.generate(0xf0e1d2c3b4a59687L, publicAddresses, internalAddresses, 45, 12,
                userData);

        // the public part, also after a trip through the wire format
        ConnectToken read = ConnectToken.read(token.toBytes());
        assertThat(read.protocolId()).isEqualTo(PROTOCOL_ID);
        assertThat(read.createTimestamp()).isEqualTo(NOW);
        assertThat(read.expireTimestamp()).isEqualTo(NOW + 45);
        assertThat(read.timeoutSeconds()).isEqualTo(12);
        assertThat(read.serverAddresses()).containsExactlyElementsOf(publicAddresses);
        assertThat(read.clientToServerKey()).isEqualTo(token.clientToServerKey()).isNotEqualTo(new byte[32]);
        assertThat(read.serverToClientKey()).isEqualTo(token.serverToClientKey()).isNotEqualTo(new byte[32]);
        assertThat(read.clientToServerKey()).isNotEqualTo(read.serverToClientKey());
        assertThat(read.nonce()).hasSize(24).isNotEqualTo(new byte[24]);

        // the private part
        byte[] opened = read.sealedPrivate();
        assertThat(ConnectTokenPrivate.decrypt(aead, opened, 0, PROTOCOL_ID, NOW + 45, read.nonce(), privateKey))
                .isTrue();
        ConnectTokenPrivate inside = ConnectTokenPrivate.read(opened, 0);
        assertThat(inside.clientId()).isEqualTo(0xf0e1d2c3b4a59687L);
        assertThat(inside.timeoutSeconds()).isEqualTo(12);
        assertThat(inside.serverAddresses()).containsExactlyElementsOf(internalAddresses);
        assertThat(inside.clientToServerKey()).isEqualTo(read.clientToServerKey());
        assertThat(inside.serverToClientKey()).isEqualTo(read.serverToClientKey());
        assertThat(inside.userData()).isEqualTo(Arrays.copyOf(userData, 256));

        // another key does not open it
        byte[] again = read.sealedPrivate();
        assertThat(ConnectTokenPrivate.decrypt(aead, again, 0, PROTOCOL_ID, NOW + 45, read.nonce(), countingKey(0xa1)))
                .isFalse();

        // fresh keys and nonce per token
        ConnectToken other = generator.generate(0xf0e1d2c3b4a59687L, publicAddresses, internalAddresses, 45, 12,
                userData);
        assertThat(other.clientToServerKey()).isNotEqualTo(token.clientToServerKey());
        assertThat(other.serverToClientKey()).isNotEqualTo(token.serverToClientKey());
        assertThat(other.nonce()).isNotEqualTo(token.nonce());
    }

    @Test
    void sameAddressesOverloadPutsTheSameListInBothParts() throws Exception {
        byte[] privateKey = countingKey(0xa0);
        ConnectTokenGenerator generator = new ConnectTokenGenerator(privateKey, PROTOCOL_ID, () -> NOW);
        List<NetcodeAddress> list = addresses(3, "192.168.1.");
        ConnectToken token = generator.generate(9, list, 30, 5, null);
        assertThat(token.serverAddresses()).isEqualTo(list);
        byte[] opened = token.sealedPrivate();
        assertThat(ConnectTokenPrivate.decrypt(aead, opened, 0, PROTOCOL_ID, NOW + 30, token.nonce(), privateKey))
                .isTrue();
        ConnectTokenPrivate inside = ConnectTokenPrivate.read(opened, 0);
        assertThat(inside.serverAddresses()).isEqualTo(list);
        assertThat(inside.userData()).isEqualTo(new byte[256]);
    }

    @Test
    void toStringNeverContainsKeyMaterial() {
        byte[] privateKey = countingKey(0xa0);
        ConnectTokenGenerator generator = new ConnectTokenGenerator(privateKey, PROTOCOL_ID, () -> NOW);
        ConnectToken token = generator.generate(1, addresses(2, "10.0.0."), 30, 5, null);
        String text = token.toString().toLowerCase();
        for (byte[] key : List.of(token.clientToServerKey(), token.serverToClientKey(), privateKey)) {
            String hex = Bytes.toHex(key);
            for (int i = 0; i + 8 <= hex.length(); i += 8) {
                assertThat(text).doesNotContain(hex.substring(i, i + 8));
            }
        }
        assertThat(text).doesNotContain(Bytes.toHex(token.nonce()));
        assertThat(text).contains("10.0.0.1:40000").contains("10.0.0.2:40001");
        assertThat(generator.toString()).doesNotContain(Bytes.toHex(privateKey).substring(0, 8));
    }

    @Test
    void constructorValidatesSizes() {
        List<NetcodeAddress> one = addresses(1, "10.0.0.");
        assertThatThrownBy(() -> new ConnectToken(1, 0, 1, new byte[23], new byte[1024], 5, one, new byte[32],
                new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectToken(1, 0, 1, new byte[24], new byte[1023], 5, one, new byte[32],
                new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectToken(1, 0, 1, new byte[24], new byte[1024], 5, List.of(), new byte[32],
                new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectToken(1, 0, 1, new byte[24], new byte[1024], 5, one, new byte[16],
                new byte[32])).isInstanceOf(IllegalArgumentException.class);
    }

    private static ConnectToken readValid(byte[] token) {
        try {
            return ConnectToken.read(token);
        }
        catch (InvalidConnectTokenException ex) {
            throw new AssertionError("reference token refused: " + ex.getMessage(), ex);
        }
    }
}
