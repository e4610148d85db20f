package dev.netcode.crypto;

import java.util.List;

import com.goterl.lazysodium.utils.LibraryLoader;

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
 */
final class Sodium {

    static {
        new LibraryLoader(List.of(Sodium.class)).loadLibrary(LibraryLoader.Mode.PREFER_SYSTEM, "sodium");
        if (sodium_init() < 0) {
            throw new IllegalStateException("libsodium failed to initialise");
        }
    }

    private Sodium() {
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
