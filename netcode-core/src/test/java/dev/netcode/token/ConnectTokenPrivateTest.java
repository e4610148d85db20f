package dev.netcode.token;

import java.util.Arrays;
import java.util.List;
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
import dev.netcode.crypto.SecureRandomBytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConnectTokenPrivate} against the C reference's vectors, plus the C test {@code test_connect_token}. */
class ConnectTokenPrivateTest {

    private static final String FILE = "connect_token_private.json";

    private final Aead aead = new Aead();

    @TestFactory
    Stream<DynamicTest> everyPrivateTokenVector() {
        return VectorSuite.of(FILE, TestVectors.vectors(FILE), 3, this::checkVector);
    }

    private void checkVector(JsonNode v) {
        JsonNode in = v.get("inputs");
        JsonNode enc = v.get("encryption");
        byte[] expectedPlaintext = TestVectors.hex(v.get("outputs").get("plaintext"));
        byte[] expectedEncrypted = TestVectors.hex(v.get("outputs").get("encrypted"));
        assertThat(expectedPlaintext).hasSize(1024);
        assertThat(expectedEncrypted).hasSize(1024);

        long clientId = TestVectors.u64(in.get("client_id"));
        int timeout = in.get("timeout_seconds").asInt();
        List<NetcodeAddress> addresses = TestVectors.addresses(in.get("server_addresses"));
        byte[] c2s = TestVectors.hex(in.get("client_to_server_key"));
        byte[] s2c = TestVectors.hex(in.get("server_to_client_key"));
        byte[] userData = TestVectors.hex(in.get("user_data"));
        long protocolId = TestVectors.u64(enc.get("protocol_id"));
        long expire = TestVectors.u64(enc.get("expire_timestamp"));
        byte[] nonce = TestVectors.hex(enc.get("nonce"));
        byte[] privateKey = TestVectors.hex(enc.get("private_key"));

        // every address parses to the listed type, bytes and port, and encodes as listed
        for (JsonNode a : in.get("server_addresses")) {
            NetcodeAddress address = TestVectors.address(a);
            assertThat(address.type()).isEqualTo(a.get("type").asInt());
            assertThat(address.ip()).isEqualTo(TestVectors.hex(a.get("ip_network_order")));
            assertThat(address.port()).isEqualTo(a.get("port").asInt());
            byte[] encoded = new byte[address.encodedLength()];
            assertThat(address.write(encoded, 0)).isEqualTo(encoded.length);
            assertThat(encoded).isEqualTo(TestVectors.hex(a.get("encoded")));
        }

        // version info and associated data
        assertThat(NetcodeProtocol.versionInfo()).isEqualTo(TestVectors.hex(enc.get("version_info")));
        byte[] ad = new byte[ConnectTokenPrivate.ASSOCIATED_DATA_BYTES];
        ConnectTokenPrivate.writeAssociatedData(ad, protocolId, expire);
        assertThat(ad).isEqualTo(TestVectors.hex(enc.get("associated_data")));

        // writer: byte for byte, written at a non-zero offset over garbage
        ConnectTokenPrivate token = new ConnectTokenPrivate(clientId, timeout, addresses, c2s, s2c, userData);
        byte[] buf = new byte[1024 + 10];
        Arrays.fill(buf, (byte) 0x5A);
        token.write(buf, 5);
        assertThat(Arrays.copyOfRange(buf, 5, 5 + 1024)).isEqualTo(expectedPlaintext);
        assertThat(buf[4]).isEqualTo((byte) 0x5A);
        assertThat(buf[5 + 1024]).isEqualTo((byte) 0x5A);

        // encryption: byte for byte
        byte[] sealed = expectedPlaintext.clone();
        ConnectTokenPrivate.encrypt(aead, sealed, 0, protocolId, expire, nonce, privateKey);
        assertThat(sealed).isEqualTo(expectedEncrypted);

        // decrypt + read the reference bytes
        byte[] opened = expectedEncrypted.clone();
        assertThat(ConnectTokenPrivate.decrypt(aead, opened, 0, protocolId, expire, nonce, privateKey)).isTrue();
        assertThat(Arrays.copyOf(opened, ConnectTokenPrivate.SEALED_BYTES))
                .isEqualTo(Arrays.copyOf(expectedPlaintext, ConnectTokenPrivate.SEALED_BYTES));
        ConnectTokenPrivate read = ConnectTokenPrivate.read(opened, 0);
        assertThat(read).isNotNull();
        assertThat(read.clientId()).isEqualTo(clientId);
        assertThat(read.timeoutSeconds()).isEqualTo(timeout);
        assertThat(read.serverAddresses()).containsExactlyElementsOf(addresses);
        assertThat(read.serverAddresses()).extracting(NetcodeAddress::toString)
                .containsExactlyElementsOf(addresses.stream().map(NetcodeAddress::toString).toList());
        assertThat(read.clientToServerKey()).isEqualTo(c2s);
        assertThat(read.serverToClientKey()).isEqualTo(s2c);
        assertThat(read.userData()).isEqualTo(userData);

        // the associated data is authenticated: another expiry or protocol id fails
        byte[] wrongExpire = expectedEncrypted.clone();
        assertThat(ConnectTokenPrivate.decrypt(aead, wrongExpire, 0, protocolId, expire - 1, nonce, privateKey))
                .isFalse();
        byte[] wrongProtocol = expectedEncrypted.clone();
        assertThat(ConnectTokenPrivate.decrypt(aead, wrongProtocol, 0, protocolId + 1, expire, nonce, privateKey))
                .isFalse();
    }

    @Test
    void timeoutMinusOneIsWrittenAsFfffffffAndNeverExpiringTokenUsesAllOnesInTheAssociatedData() {
        ConnectTokenPrivate token = new ConnectTokenPrivate(1, -1, List.of(NetcodeAddress.parse("127.0.0.1:40000")),
                new byte[32], new byte[32], null);
        byte[] buf = new byte[1024];
        token.write(buf, 0);
        assertThat(Bytes.toHex(Arrays.copyOfRange(buf, 8, 12))).isEqualTo("ffffffff");
        assertThat(ConnectTokenPrivate.read(buf, 0).timeoutSeconds()).isEqualTo(-1);

        byte[] ad = new byte[29];
        ConnectTokenPrivate.writeAssociatedData(ad, 0x1122334455667788L, -1L);
        assertThat(Bytes.toHex(ad)).isEqualTo("4e4554434f444520312e3032008877665544332211ffffffffffffffff");
    }

    /** The C test {@code test_connect_token}: write, encrypt, decrypt, read; every field survives. */
    @Test
    void referenceTestConnectTokenRoundTrip() {
        NetcodeAddress serverAddress = NetcodeAddress.parse("127.0.0.1:40000");
        byte[] userData = SecureRandomBytes.bytes(256);
        byte[] c2s = SecureRandomBytes.key();
        byte[] s2c = SecureRandomBytes.key();
        ConnectTokenPrivate input = new ConnectTokenPrivate(1, 15, List.of(serverAddress), c2s, s2c, userData);
        assertThat(input.clientId()).isEqualTo(1);
        assertThat(input.serverAddresses()).containsExactly(serverAddress);
        assertThat(input.userData()).isEqualTo(userData);

        byte[] buffer = new byte[1024];
        input.write(buffer, 0);
        byte[] plaintext = buffer.clone();

        long expire = System.currentTimeMillis() / 1000 + 30;
        byte[] nonce = SecureRandomBytes.bytes(24);
        byte[] key = SecureRandomBytes.key();
        ConnectTokenPrivate.encrypt(aead, buffer, 0, 0x1122334455667788L, expire, nonce, key);
        assertThat(Arrays.copyOf(buffer, 1008)).isNotEqualTo(Arrays.copyOf(plaintext, 1008));
        assertThat(Arrays.copyOfRange(buffer, 1008, 1024)).isNotEqualTo(new byte[16]);

        assertThat(ConnectTokenPrivate.decrypt(aead, buffer, 0, 0x1122334455667788L, expire, nonce, key)).isTrue();
        assertThat(Arrays.copyOf(buffer, 1008)).isEqualTo(Arrays.copyOf(plaintext, 1008));

        ConnectTokenPrivate output = ConnectTokenPrivate.read(buffer, 0);
        assertThat(output).isNotNull();
        assertThat(output.clientId()).isEqualTo(input.clientId());
        assertThat(output.timeoutSeconds()).isEqualTo(input.timeoutSeconds());
        assertThat(output.serverAddresses()).isEqualTo(input.serverAddresses());
        assertThat(output.clientToServerKey()).isEqualTo(c2s);
        assertThat(output.serverToClientKey()).isEqualTo(s2c);
        assertThat(output.userData()).isEqualTo(userData);
    }

    @Test
    void thirtyTwoIpv6AddressesFitAndTheTailStaysZero() {
        List<NetcodeAddress> addresses = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            addresses.add(NetcodeAddress.parse("[2001:db8::" + Integer.toHexString(i + 1) + "]:" + (40000 + i)));
        }
        byte[] userData = new byte[256];
        Arrays.fill(userData, (byte) 0xEE);
        ConnectTokenPrivate token = new ConnectTokenPrivate(-1L, 5, addresses, new byte[32], new byte[32], userData);
        byte[] buf = new byte[1024];
        Arrays.fill(buf, (byte) 0x77);
        token.write(buf, 0);
        // 16 + 32 * 19 + 64 + 256 = 944 bytes used, zeros after
        assertThat(buf[943]).isEqualTo((byte) 0xEE);
        assertThat(Arrays.copyOfRange(buf, 944, 1024)).isEqualTo(new byte[80]);
        ConnectTokenPrivate read = ConnectTokenPrivate.read(buf, 0);
        assertThat(read.serverAddresses()).isEqualTo(addresses);
        assertThat(read.clientId()).isEqualTo(-1L);
        assertThat(read.userData()).isEqualTo(userData);
    }

    @Test
    void readRejectsBadAddressCountsAndTypes() {
        byte[] buf = new byte[1024];
        new ConnectTokenPrivate(7, 5, List.of(NetcodeAddress.parse("127.0.0.1:40000")), new byte[32], new byte[32],
                null).write(buf, 0);
        assertThat(ConnectTokenPrivate.read(buf, 0)).isNotNull();
        for (int count : new int[] { 0, 33, -1, Integer.MIN_VALUE }) {
            byte[] copy = buf.clone();
            Bytes.writeU32(copy, 12, count);
            assertThat(ConnectTokenPrivate.read(copy, 0)).as("count %d", count).isNull();
        }
        for (int type : new int[] { 0, 3, 255 }) {
            byte[] copy = buf.clone();
            copy[16] = (byte) type;
            assertThat(ConnectTokenPrivate.read(copy, 0)).as("type %d", type).isNull();
        }
    }

    @Test
    void constructorValidatesItsInputs() {
        List<NetcodeAddress> one = List.of(NetcodeAddress.parse("127.0.0.1:40000"));
        assertThatThrownBy(() -> new ConnectTokenPrivate(1, 5, List.of(), new byte[32], new byte[32], null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectTokenPrivate(1, 5, one, new byte[31], new byte[32], null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectTokenPrivate(1, 5, one, new byte[32], new byte[33], null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectTokenPrivate(1, 5, one, new byte[32], new byte[32], new byte[257]))
                .isInstanceOf(IllegalArgumentException.class);
        ConnectTokenPrivate shortUserData = new ConnectTokenPrivate(1, 5, one, new byte[32], new byte[32],
                new byte[] { 1, 2, 3 });
        byte[] expected = new byte[256];
        expected[0] = 1;
        expected[1] = 2;
        expected[2] = 3;
        assertThat(shortUserData.userData()).isEqualTo(expected);
        assertThat(new ConnectTokenPrivate(1, 5, one, new byte[32], new byte[32], null).userData())
                .isEqualTo(new byte[256]);
    }

    @Test
    void toStringNeverShowsTheKeys() {
        byte[] c2s = SecureRandomBytes.key();
        byte[] s2c = SecureRandomBytes.key();
        ConnectTokenPrivate token = new ConnectTokenPrivate(1, 5, List.of(NetcodeAddress.parse("127.0.0.1:40000")),
                c2s, s2c, null);
        String text = token.toString().toLowerCase();
        assertThat(text).doesNotContain(Bytes.toHex(c2s).substring(0, 16))
                .doesNotContain(Bytes.toHex(s2c).substring(0, 16))
                .contains("127.0.0.1:40000");
    }
}
