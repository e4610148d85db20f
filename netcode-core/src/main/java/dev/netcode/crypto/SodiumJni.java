package dev.netcode.crypto;

import java.io.FileNotFoundException;
import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.NativeLibraries;

/**
 * A faster way into libsodium's AEAD functions than JNA: a small JNI library built from this
 * module's own C source ({@code src/main/c/netcode_aead.c}) and shipped inside the jar for the
 * platforms the build could compile it on.
 *
 * <p>JNA's direct mapping passes each call through libffi, which classifies every argument on every
 * call: about 290 ns for the nine arguments of an AEAD function, more than ChaCha20-Poly1305 itself
 * costs on a 100-byte packet. A JNI method with plain {@code long} arguments costs a few
 * nanoseconds. The JNI functions do not link against libsodium: they call the function whose address
 * {@link Sodium} looked up in the libsodium lazysodium loaded, so the crypto is exactly the same.
 *
 * <p>Where the library is missing (a platform the build did not compile it for) or fails to load,
 * {@link #AVAILABLE} is {@code false} and {@link Sodium} calls libsodium through JNA instead. Setting
 * the system property {@value #ENABLED_PROPERTY} to {@code false} forces that, for comparison or as
 * an escape hatch.
 */
final class SodiumJni {

    static final String ENABLED_PROPERTY = "netcode.crypto.jni";

    static final String LIBRARY = "netcode_aead";

    /** Inside the jar: {@code dev/netcode/crypto/native/<os>-<arch>/<library file>}. */
    static final String RESOURCE = NativeLibraries.resource(LIBRARY);

    private static final Logger log = LoggerFactory.getLogger(SodiumJni.class);

    /** Whether the JNI functions below can be called. */
    static final boolean AVAILABLE = load();

    private SodiumJni() {
    }

    /**
     * Calls {@code function}, a libsodium {@code crypto_aead_*_encrypt} in combined mode, as
     * {@code function(c, NULL, m, mlen, ad, adlen, NULL, npub, k)}.
     */
    static native int encrypt(long function, long c, long m, long mlen, long ad, long adlen, long npub, long k);

    /**
     * Calls {@code function}, a libsodium {@code crypto_aead_*_decrypt} in combined mode, as
     * {@code function(m, NULL, NULL, c, clen, ad, adlen, npub, k)}.
     */
    static native int decrypt(long function, long m, long c, long clen, long ad, long adlen, long npub, long k);

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            log.debug("libsodium is called through JNA: {}=false", ENABLED_PROPERTY);
            return false;
        }
        try {
            NativeLibraries.load(SodiumJni.class, LIBRARY);
            log.debug("libsodium's AEAD functions are called through JNI ({})", RESOURCE);
            return true;
        }
        catch (FileNotFoundException ex) {
            log.debug("libsodium is called through JNA: no JNI library for {} in this build", NativeLibraries.platform());
            return false;
        }
        catch (IOException | LinkageError | SecurityException ex) {
            log.warn("Could not load netcode's JNI library {} ({}); calling libsodium through JNA instead, "
                    + "which costs about 300 ns more per packet", RESOURCE, ex.toString());
            return false;
        }
    }
}
