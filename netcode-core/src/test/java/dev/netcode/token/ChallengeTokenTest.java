package dev.netcode.token;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import dev.netcode.Bytes;
import dev.netcode.TestVectors;
import dev.netcode.VectorSuite;
import dev.netcode.crypto.Aead;
import dev.netcode.crypto.SecureRandomBytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ChallengeToken} against the C reference's vectors, plus the C test {@code test_challenge_token}. */
class ChallengeTokenTest {

    private static final String FILE = "challenge_token.json";

    private final Aead aead = new Aead();

    @TestFactory
    Stream<DynamicTest> everyChallengeTokenVector() {
        return VectorSuite.of(FILE, TestVectors.vectors(FILE), 4, this::checkVector);
    }

    private void checkVector(JsonNode v) {
        JsonNode in = v.get("inputs");
        JsonNode out = v.get("outputs");
        long clientId = TestVectors.u64(in.get("client_id"));
        byte[] userData = TestVectors.hex(in.get("user_data"));
        byte[] key = TestVectors.hex(in.get("challenge_key"));
        long sequence = TestVectors.u64(in.get("challenge_sequence"));
        byte[] expectedPlaintext = TestVectors.hex(out.get("plaintext"));
        byte[] expectedEncrypted = TestVectors.hex(out.get("encrypted"));
        assertThat(expectedPlaintext).hasSize(300);
        assertThat(expectedEncrypted).hasSize(300);
        assertThat(TestVectors.hex(out.get("associated_data"))).isEmpty();

        // the nonce convention: four zero bytes, then the sequence little-endian
        byte[] nonce = new byte[12];
        Bytes.writeU64(nonce, 4, sequence);
        assertThat(nonce).isEqualTo(TestVectors.hex(out.get("nonce")));

        // plaintext, by the static writer and by an instance, at an offset over garbage
        byte[] buf = new byte[310];
        Arrays.fill(buf, (byte) 0x33);
        ChallengeToken.write(buf, 7, clientId, userData);
        assertThat(Arrays.copyOfRange(buf, 7, 307)).isEqualTo(expectedPlaintext);
        assertThat(buf[6]).isEqualTo((byte) 0x33);
        assertThat(buf[307]).isEqualTo((byte) 0x33);
        byte[] viaInstance = new byte[300];
        Arrays.fill(viaInstance, (byte) 0x44);
        new ChallengeToken(clientId, userData).write(viaInstance, 0);
        assertThat(viaInstance).isEqualTo(expectedPlaintext);

        // encryption over the first 284 bytes, tag in the last 16
        byte[] sealed = expectedPlaintext.clone();
        ChallengeToken.encrypt(aead, sealed, 0, sequence, key);
        assertThat(sealed).isEqualTo(expectedEncrypted);
        byte[] sealedAtOffset = new byte[320];
        System.arraycopy(expectedPlaintext, 0, sealedAtOffset, 9, 300);
        ChallengeToken.encrypt(aead, sealedAtOffset, 9, sequence, key);
        assertThat(Arrays.copyOfRange(sealedAtOffset, 9, 309)).isEqualTo(expectedEncrypted);

        // decrypt and read the reference bytes
        byte[] opened = expectedEncrypted.clone();
        assertThat(ChallengeToken.decrypt(aead, opened, 0, sequence, key)).isTrue();
        assertThat(Arrays.copyOf(opened, ChallengeToken.SEALED_BYTES))
                .isEqualTo(Arrays.copyOf(expectedPlaintext, ChallengeToken.SEALED_BYTES));
        ChallengeToken read = ChallengeToken.read(opened, 0);
        assertThat(read.clientId()).isEqualTo(clientId);
        assertThat(read.userData()).isEqualTo(userData);

        // the sequence is the nonce: any other sequence fails
        byte[] wrongSequence = expectedEncrypted.clone();
        assertThat(ChallengeToken.decrypt(aead, wrongSequence, 0, sequence ^ 1, key)).isFalse();
        assertThat(wrongSequence).isEqualTo(expectedEncrypted);
        byte[] flipped = expectedEncrypted.clone();
        flipped[299] ^= (byte) 0x80;
        assertThat(ChallengeToken.decrypt(aead, flipped, 0, sequence, key)).isFalse();
    }

    /** The C test {@code test_challenge_token}: sequence 1000, random key and user data. */
    @Test
    void referenceTestChallengeTokenRoundTrip() {
        byte[] userData = SecureRandomBytes.bytes(256);
        ChallengeToken input = new ChallengeToken(1, userData);
        byte[] buffer = new byte[300];
        input.write(buffer, 0);
        byte[] plaintext = buffer.clone();

        byte[] key = SecureRandomBytes.key();
        ChallengeToken.encrypt(aead, buffer, 0, 1000, key);
        assertThat(Arrays.copyOf(buffer, 284)).isNotEqualTo(Arrays.copyOf(plaintext, 284));
        assertThat(ChallengeToken.decrypt(aead, buffer, 0, 1000, key)).isTrue();

        ChallengeToken output = ChallengeToken.read(buffer, 0);
        assertThat(output.clientId()).isEqualTo(1);
        assertThat(output.userData()).isEqualTo(userData);
    }

    @Test
    void userDataIsPaddedAndLimited() {
        assertThat(new ChallengeToken(5, null).userData()).isEqualTo(new byte[256]);
        assertThat(new ChallengeToken(5, new byte[] { 9 }).userData()[0]).isEqualTo((byte) 9);
        assertThatThrownBy(() -> new ChallengeToken(5, new byte[257])).isInstanceOf(IllegalArgumentException.class);
    }
}
