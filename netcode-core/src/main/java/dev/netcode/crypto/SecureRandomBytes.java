package dev.netcode.crypto;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Cryptographically secure random bytes from libsodium's {@code randombytes_buf}, the source the
 * reference uses for keys, connect-token nonces and the challenge key.
 */
public final class SecureRandomBytes {

    static {
        Sodium.load();
    }

    private SecureRandomBytes() {
    }

    /** Fills {@code out} with random bytes. */
    public static void fill(byte[] out) {
        try (Memory memory = new Memory(Math.max(1, out.length))) {
            Sodium.randombytes_buf(Pointer.nativeValue(memory), out.length);
            memory.read(0, out, 0, out.length);
            memory.clear();
        }
    }

    /** Returns {@code count} new random bytes. */
    public static byte[] bytes(int count) {
        byte[] out = new byte[count];
        fill(out);
        return out;
    }

    /** Returns a new random 32-byte key. */
    public static byte[] key() {
        return bytes(Aead.KEY_BYTES);
    }
}
