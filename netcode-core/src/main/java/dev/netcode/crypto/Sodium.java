package dev.netcode.crypto;

import java.util.List;

import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.Pointer;

/**
 * The handful of libsodium functions netcode needs, bound with JNA direct mapping.
 *
 * <p>lazysodium's own bindings take {@code byte[]} arguments that JNA copies in and out on every
 * call; these take native addresses of buffers that {@link Aead} allocates once, so a packet costs
 * one call and no garbage. The library itself is located and loaded by lazysodium's loader, so we
 * use exactly the libsodium that lazysodium would use (the system one if present, else the copy
 * bundled in its jar).
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

    static native void randombytes_buf(Pointer buf, long size);

    static native int crypto_aead_chacha20poly1305_ietf_encrypt(Pointer c, Pointer clen, Pointer m, long mlen,
            Pointer ad, long adlen, Pointer nsec, Pointer npub, Pointer k);

    static native int crypto_aead_chacha20poly1305_ietf_decrypt(Pointer m, Pointer mlen, Pointer nsec, Pointer c,
            long clen, Pointer ad, long adlen, Pointer npub, Pointer k);

    static native int crypto_aead_xchacha20poly1305_ietf_encrypt(Pointer c, Pointer clen, Pointer m, long mlen,
            Pointer ad, long adlen, Pointer nsec, Pointer npub, Pointer k);

    static native int crypto_aead_xchacha20poly1305_ietf_decrypt(Pointer m, Pointer mlen, Pointer nsec, Pointer c,
            long clen, Pointer ad, long adlen, Pointer npub, Pointer k);
}
