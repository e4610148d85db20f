package dev.netcode.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link SodiumJni}: the library the build compiles is the one that loads, from a private
 * temporary file that is gone afterwards; its calls and JNA's produce the same bytes, and with it
 * switched off {@link Aead} still matches the reference.
 */
class SodiumJniTest {

    private static final int[] SIZES = { 0, 1, 15, 16, 63, 64, 65, 100, 300, 1024, 1200 };
    /** As much associated data as a payload packet has. */
    private static final int AD_BYTES = 21;

    @Test
    void theJniLibraryLoadsWheneverTheBuildCarriesIt() {
        boolean built = SodiumJni.class.getResource(SodiumJni.RESOURCE) != null;
        if ("true".equals(System.getenv("CI")) && System.getProperty("os.name").startsWith("Linux")) {
            assertThat(built).as("CI on Linux builds %s (src/main/c/build.sh needs a C compiler)", SodiumJni.RESOURCE)
                    .isTrue();
        }
        assumeTrue(built, "this build has no JNI library for the platform");
        assertThat(SodiumJni.AVAILABLE).isTrue();
        assertThat(Aead.nativeBinding()).isEqualTo("JNI");
    }

    @Test
    void theLibraryIsExtractedIntoAnOwnerOnlyFileThatIsGoneOnceLoaded(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file permissions");
        byte[] library = new byte[100_000];
        new SplittableRandom(3).nextBytes(library);
        List<Path> loaded = new ArrayList<>();

        SodiumJni.extractAndLoad(new ByteArrayInputStream(library), dir, file -> {
            try {
                // What System.load would open: the whole library, in a file only this user can read or change.
                assertThat(file.getParent()).isEqualTo(dir);
                assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(Files.readAllBytes(file)).isEqualTo(library);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            loaded.add(file);
        });

        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0)).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theExtractedFileIsDeletedWhenTheLibraryFailsToLoad(@TempDir Path dir) {
        Throwable thrown = catchThrowable(() -> SodiumJni.extractAndLoad(new ByteArrayInputStream(new byte[64]), dir,
                file -> {
                    throw new UnsatisfiedLinkError("not a library");
                }));

        assertThat(thrown).isInstanceOf(UnsatisfiedLinkError.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void jniAndJnaCallsSealAndOpenTheSameBytes() {
        assumeTrue(SodiumJni.AVAILABLE, "JNI library not loaded");
        SplittableRandom random = new SplittableRandom(7);
        try (Memory memory = new Memory(4096)) {
            long key = Pointer.nativeValue(memory);
            long nonce = key + Aead.KEY_BYTES;
            long ad = nonce + Aead.XNONCE_BYTES;
            long viaJni = ad + AD_BYTES;
            long viaJna = viaJni + 1200 + Aead.MAC_BYTES;
            for (boolean extended : new boolean[] { false, true }) {
                for (int size : SIZES) {
                    String what = (extended ? "XChaCha20 " : "ChaCha20 ") + size + " bytes";
                    byte[] keyNonceAd = new byte[Aead.KEY_BYTES + Aead.XNONCE_BYTES + AD_BYTES];
                    byte[] message = new byte[size];
                    random.nextBytes(keyNonceAd);
                    random.nextBytes(message);
                    memory.write(0, keyNonceAd, 0, keyNonceAd.length);
                    memory.write(viaJni - key, message, 0, size);
                    memory.write(viaJna - key, message, 0, size);

                    assertThat(jniSeal(extended, viaJni, size, ad, nonce, key)).as(what).isZero();
                    assertThat(jnaSeal(extended, viaJna, size, ad, nonce, key)).as(what).isZero();
                    byte[] sealed = memory.getByteArray(viaJni - key, size + Aead.MAC_BYTES);
                    assertThat(memory.getByteArray(viaJna - key, size + Aead.MAC_BYTES)).as(what).isEqualTo(sealed);

                    // Both open it back to the message, and both refuse it with one bit of the tag flipped.
                    assertThat(jniOpen(extended, viaJni, size, ad, nonce, key)).as(what).isZero();
                    assertThat(jnaOpen(extended, viaJna, size, ad, nonce, key)).as(what).isZero();
                    assertThat(memory.getByteArray(viaJni - key, size)).as(what).isEqualTo(message);
                    assertThat(memory.getByteArray(viaJna - key, size)).as(what).isEqualTo(message);
                    sealed[size] ^= 1;
                    memory.write(viaJni - key, sealed, 0, sealed.length);
                    memory.write(viaJna - key, sealed, 0, sealed.length);
                    assertThat(jniOpen(extended, viaJni, size, ad, nonce, key)).as(what).isEqualTo(-1);
                    assertThat(jnaOpen(extended, viaJna, size, ad, nonce, key)).as(what).isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void withJniSwitchedOffAeadCallsLibsodiumThroughJnaAndMatchesTheReference() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + SodiumJni.ENABLED_PROPERTY + "=false", "-cp", System.getProperty("java.class.path"),
                JnaFallbackCheck.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("binding=JNA").containsPattern("vectors=[1-9]");
    }

    // In place: size bytes of message at buf become size + 16 bytes sealed, and back.

    private static int jniSeal(boolean extended, long buf, int size, long ad, long nonce, long key) {
        return SodiumJni.encrypt(extended ? Sodium.XCHACHA_ENCRYPT : Sodium.CHACHA_ENCRYPT, buf, buf, size, ad,
                AD_BYTES, nonce, key);
    }

    private static int jnaSeal(boolean extended, long buf, int size, long ad, long nonce, long key) {
        return extended
                ? Sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(buf, 0, buf, size, ad, AD_BYTES, 0, nonce, key)
                : Sodium.crypto_aead_chacha20poly1305_ietf_encrypt(buf, 0, buf, size, ad, AD_BYTES, 0, nonce, key);
    }

    private static int jniOpen(boolean extended, long buf, int size, long ad, long nonce, long key) {
        return SodiumJni.decrypt(extended ? Sodium.XCHACHA_DECRYPT : Sodium.CHACHA_DECRYPT, buf, buf,
                size + Aead.MAC_BYTES, ad, AD_BYTES, nonce, key);
    }

    private static int jnaOpen(boolean extended, long buf, int size, long ad, long nonce, long key) {
        int sealed = size + Aead.MAC_BYTES;
        return extended
                ? Sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(buf, 0, 0, buf, sealed, ad, AD_BYTES, nonce, key)
                : Sodium.crypto_aead_chacha20poly1305_ietf_decrypt(buf, 0, 0, buf, sealed, ad, AD_BYTES, nonce, key);
    }

    /** Run in a JVM of its own with {@code -Dnetcode.crypto.jni=false}. */
    static final class JnaFallbackCheck {

        public static void main(String[] args) {
            try (Aead aead = new Aead()) {
                int vectors = AeadTest.checkReferenceVectors(aead);
                System.out.println("binding=" + Aead.nativeBinding() + " vectors=" + vectors);
            }
        }
    }
}
