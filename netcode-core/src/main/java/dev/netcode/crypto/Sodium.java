package dev.netcode.crypto;

import java.util.List;

import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The handful of libsodium functions netcode needs, bound with JNA direct mapping.
 *
 * <p>lazysodium's own bindings take {@code byte[]} arguments that JNA copies in and out on every
 * call. These take plain native addresses as {@code long}s instead, of buffers the callers allocate
 * once ({@link Aead}'s direct buffer): a {@code long} crosses into native code as is, whereas each
 * {@code Pointer} argument costs JNA a JNI field read to unwrap, so a packet costs one native call
 * and no garbage. A {@code null} C pointer is {@code 0}. The library itself is located and loaded
 * by lazysodium's loader, so we use exactly the libsodium that lazysodium would use (the system one
 * if present, else the copy bundled in its jar).
 *
 * <p>The AEAD functions are called through {@link #aeadEncrypt} and {@link #aeadDecrypt}, which take
 * the {@link SodiumJni} trampolines when that library is loaded (a few nanoseconds per call instead
 * of JNA's ~290 ns) and the JNA bindings below otherwise.
 */
final class Sodium {

    static {
        new LibraryLoader(List.of(Sodium.class)).loadLibrary(LibraryLoader.Mode.PREFER_SYSTEM, "sodium");
        if (sodium_init() < 0) {
            throw new IllegalStateException("libsodium failed to initialise");
        }
    }

    /** Read here, so the JNI library loads with libsodium (server start-up), not on the first packet. */
    private static final boolean JNI = SodiumJni.AVAILABLE;

    static final long CHACHA_ENCRYPT = address("crypto_aead_chacha20poly1305_ietf_encrypt");
    static final long CHACHA_DECRYPT = address("crypto_aead_chacha20poly1305_ietf_decrypt");
    static final long XCHACHA_ENCRYPT = address("crypto_aead_xchacha20poly1305_ietf_encrypt");
    static final long XCHACHA_DECRYPT = address("crypto_aead_xchacha20poly1305_ietf_decrypt");

    private Sodium() {
    }

    /**
     * Seals {@code mlen} bytes at {@code m} into {@code mlen + 16} bytes at {@code c} (which may be
     * {@code m}): ChaCha20-Poly1305-IETF with a 12-byte nonce, or XChaCha20-Poly1305-IETF with a
     * 24-byte one when {@code extended}. Returns libsodium's result, 0 on success.
     */
    static int aeadEncrypt(boolean extended, long c, long m, long mlen, long ad, long adlen, long npub, long k) {
        if (JNI) {
            return SodiumJni.encrypt(extended ? XCHACHA_ENCRYPT : CHACHA_ENCRYPT, c, m, mlen, ad, adlen, npub, k);
        }
        return extended ? crypto_aead_xchacha20poly1305_ietf_encrypt(c, 0, m, mlen, ad, adlen, 0, npub, k)
                : crypto_aead_chacha20poly1305_ietf_encrypt(c, 0, m, mlen, ad, adlen, 0, npub, k);
    }

    /**
     * Opens {@code clen} bytes at {@code c} (ciphertext and tag) into {@code clen - 16} bytes at
     * {@code m} (which may be {@code c}); the counterpart of {@link #aeadEncrypt}. Returns libsodium's
     * result: 0 when the message is authentic, -1 when it is not.
     */
    static int aeadDecrypt(boolean extended, long m, long c, long clen, long ad, long adlen, long npub, long k) {
        if (JNI) {
            return SodiumJni.decrypt(extended ? XCHACHA_DECRYPT : CHACHA_DECRYPT, m, c, clen, ad, adlen, npub, k);
        }
        return extended ? crypto_aead_xchacha20poly1305_ietf_decrypt(m, 0, 0, c, clen, ad, adlen, npub, k)
                : crypto_aead_chacha20poly1305_ietf_decrypt(m, 0, 0, c, clen, ad, adlen, npub, k);
    }

    /** The address of a libsodium function, in the very library our JNA bindings are registered to. */
    private static long address(String function) {
        return Pointer.nativeValue(Native.getNativeLibrary(Sodium.class).getFunction(function));
    }

    static boolean usesJni() {
        return JNI;
    }

    /** Forces the static initialiser, so a missing native library fails early and clearly. */
    static void load() {
    }

    static native int sodium_init();

    static native void randombytes_buf(long buf, long size);

    static native int crypto_aead_chacha20poly1305_ietf_encrypt(long c, long clen, long m, long mlen, long ad,
            long adlen, long nsec, long npub, long k);

    static native int crypto_aead_chacha20poly1305_ietf_decrypt(long m, long mlen, long nsec, long c, long clen,
            long ad, long adlen, long npub, long k);

    static native int crypto_aead_xchacha20poly1305_ietf_encrypt(long c, long clen, long m, long mlen, long ad,
            long adlen, long nsec, long npub, long k);

    static native int crypto_aead_xchacha20poly1305_ietf_decrypt(long m, long mlen, long nsec, long c, long clen,
            long ad, long adlen, long npub, long k);
}
