package dev.netcode.crypto;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.netcode.TestVectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link Aead}: the raw AEAD vectors of the C reference and the 1.4.2 known-answer test. */
class AeadTest {

    private final Aead aead = new Aead();

    @Test
    void everyReferenceAeadVectorEncryptsAndDecryptsByteForByte() {
        assertThat(checkReferenceVectors(aead)).isNotZero();
    }

    /**
     * Seals every vector of {@code aead.json} with {@code aead}, compares with the C reference's
     * bytes and opens it again; returns how many vectors were checked. Also run with the JNA binding
     * forced, in a JVM of its own ({@link SodiumJniTest}).
     */
    static int checkReferenceVectors(Aead aead) {
        var vectors = TestVectors.vectors("aead.json");
        for (JsonNode v : vectors) {
            byte[] key = TestVectors.hex(v.get("key"));
            byte[] nonce = TestVectors.hex(v.get("nonce"));
            byte[] ad = TestVectors.hex(v.get("associated_data"));
            byte[] plaintext = TestVectors.hex(v.get("plaintext"));
            byte[] expected = TestVectors.hex(v.get("ciphertext_and_tag"));
            boolean extended = v.get("algorithm").asString().startsWith("xchacha");

            byte[] buf = Arrays.copyOf(plaintext, plaintext.length + Aead.MAC_BYTES);
            if (extended) {
                aead.encryptX(buf, 0, plaintext.length, ad, ad.length, nonce, 0, key);
            }
            else {
                aead.encrypt(buf, 0, plaintext.length, ad, ad.length, nonce, key);
            }
            assertThat(buf).as(v.get("name").asString()).isEqualTo(expected);

            boolean ok = extended ? aead.decryptX(buf, 0, buf.length, ad, ad.length, nonce, 0, key)
                    : aead.decrypt(buf, 0, buf.length, ad, ad.length, nonce, key);
            assertThat(ok).isTrue();
            assertThat(Arrays.copyOf(buf, plaintext.length)).isEqualTo(plaintext);
        }
        return vectors.size();
    }

    @Test
    void knownAnswerTestOfTheReferenceSuiteAndFlippedBitIsRejected() {
        byte[] key = counting(0x40, 32);
        byte[] ad = counting(0xc0, 12);
        byte[] message = "yojimbo vendored libsodium AEAD known-answer test vector!!".getBytes();
        assertThat(message).hasSize(58);

        byte[] buf = Arrays.copyOf(message, 58 + 16);
        aead.encrypt(buf, 0, 58, ad, 12, counting(0xa0, 12), key);
        assertThat(dev.netcode.Bytes.toHex(buf)).isEqualTo(
                "d5aeb185158b07b30115f059b44e9d459158abffafbd814fbf52c24ca15e605f58633196da900763b90c2146f2e465967a817fa25dd179f69b185de0b65793be8cb5a97598a46fd5be9d");
        buf[0] ^= 1;
        assertThat(aead.decrypt(buf, 0, buf.length, ad, 12, counting(0xa0, 12), key)).isFalse();

        byte[] xbuf = Arrays.copyOf(message, 58 + 16);
        aead.encryptX(xbuf, 0, 58, ad, 12, counting(0x10, 24), 0, key);
        assertThat(dev.netcode.Bytes.toHex(xbuf)).isEqualTo(
                "2b24832a6c9e21022a1432564b2737922440a992d353a7a564d38e0c7579753fca82fa85f0a6ac089a25f18f4220708e3825d10845817518e4d188bd92fa84dcd6a39a67529162f4867b");
        xbuf[0] ^= 1;
        assertThat(aead.decryptX(xbuf, 0, xbuf.length, ad, 12, counting(0x10, 24), 0, key)).isFalse();
    }

    @Test
    void sequenceNonceIsFourZeroBytesThenLittleEndianSequence() {
        byte[] key = counting(0x40, 32);
        long sequence = 0x1122334455667788L;
        byte[] explicitNonce = { 0, 0, 0, 0, (byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        a[0] = b[0] = 42;
        aead.encrypt(a, 0, 4, new byte[0], 0, sequence, key);
        aead.encrypt(b, 0, 4, new byte[0], 0, explicitNonce, key);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void decryptionFailureLeavesTheBufferUntouchedAndShortInputIsRejected() {
        byte[] key = counting(0, 32);
        byte[] buf = new byte[40];
        aead.encrypt(buf, 4, 20, new byte[0], 0, 7, key);
        byte[] before = buf.clone();
        assertThat(aead.decrypt(buf, 4, 36, new byte[0], 0, 8, key)).isFalse();
        assertThat(buf).isEqualTo(before);
        assertThat(aead.decrypt(buf, 0, 15, new byte[0], 0, 7, key)).isFalse();
        assertThat(aead.decrypt(buf, 4, 36, new byte[0], 0, 7, key)).isTrue();
    }

    @Test
    void aRegionPastTheEndOfTheArrayIsRefusedEvenWhereOffsetPlusLengthOverflows() {
        byte[] key = counting(0, 32);
        byte[] buf = new byte[64];
        for (int offset : new int[] { Integer.MAX_VALUE - 8, Integer.MAX_VALUE, 60, 49 }) {
            assertThatThrownBy(() -> aead.decrypt(buf, offset, 16, new byte[0], 0, 7, key))
                    .as("decrypt at %d", offset).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aead.encrypt(buf, offset, 0, new byte[0], 0, 7, key))
                    .as("encrypt at %d", offset).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(buf).containsOnly(0);
    }

    @Test
    void randomBytesAreNotConstant() {
        byte[] a = SecureRandomBytes.key();
        byte[] b = SecureRandomBytes.key();
        assertThat(a).hasSize(32).isNotEqualTo(b).isNotEqualTo(new byte[32]);
    }

    static byte[] counting(int start, int count) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) (start + i);
        }
        return out;
    }
}
