package dev.netcode.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The two AEAD constructions netcode uses, both libsodium "IETF" variants in combined mode
 * (ciphertext of the plaintext's length followed by a 16-byte Poly1305 tag):
 * ChaCha20-Poly1305 with a 12-byte nonce for packets and challenge tokens, and
 * XChaCha20-Poly1305 with a 24-byte nonce for the private part of connect tokens.
 *
 * <p>Encryption and decryption work in place on a region of a Java array. Each instance owns
 * native scratch memory allocated once, so it is <b>not thread-safe</b>: give every thread (the
 * server's network thread, each client) its own instance. Nothing is allocated per call.
 *
 * <p>Key, nonce, associated data and message go into the scratch memory, and the result comes out,
 * through a direct {@link ByteBuffer} over it, whose bulk and absolute accessors the JIT turns into
 * plain memory copies. The only crossing into native code per call is libsodium's function itself,
 * called with raw addresses through {@link Sodium}: by JNI where this build carries its small JNI
 * library ({@link SodiumJni}), which puts a 100-byte packet within ~1.1x of libsodium's own cost,
 * else by JNA, which adds ~300 ns per call (BENCHMARKS.md).
 */
public final class Aead implements AutoCloseable {

    public static final int KEY_BYTES = 32;
    public static final int MAC_BYTES = 16;
    public static final int NONCE_BYTES = 12;
    public static final int XNONCE_BYTES = 24;

    /** Largest message we ever seal: a 1024-byte private connect token or a 1200-byte payload. */
    private static final int MAX_MESSAGE_BYTES = 2048;
    private static final int MAX_AD_BYTES = 64;

    private static final int KEY_OFFSET = 0;
    private static final int NONCE_OFFSET = KEY_OFFSET + KEY_BYTES;
    private static final int AD_OFFSET = NONCE_OFFSET + XNONCE_BYTES;
    private static final int DATA_OFFSET = AD_OFFSET + MAX_AD_BYTES;
    private static final int SCRATCH_BYTES = DATA_OFFSET + MAX_MESSAGE_BYTES + MAC_BYTES;
    /** The sequence nonce is four zero bytes, then the sequence as a little-endian u64. */
    private static final int SEQUENCE_IN_NONCE = 4;

    static {
        Sodium.load();
    }

    /**
     * How this process calls libsodium: {@code "JNI"} (netcode's JNI library, the fast path) or
     * {@code "JNA"} (where that library was not built or could not load; ~300 ns more per packet).
     */
    public static String nativeBinding() {
        return Sodium.usesJni() ? "JNI" : "JNA";
    }

    private final Memory memory = new Memory(SCRATCH_BYTES);
    private final ByteBuffer scratch = memory.getByteBuffer(0, SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final long key = Pointer.nativeValue(memory) + KEY_OFFSET;
    private final long nonce = Pointer.nativeValue(memory) + NONCE_OFFSET;
    private final long ad = Pointer.nativeValue(memory) + AD_OFFSET;
    private final long data = Pointer.nativeValue(memory) + DATA_OFFSET;
    /** Set by {@link #close()}, after which the memory is freed: every call checks it first. */
    private boolean closed;

    /**
     * Encrypts {@code buf[offset, offset + length)} in place with ChaCha20-Poly1305-IETF and writes
     * the tag right after it, at {@code buf[offset + length, offset + length + 16)}. The nonce is
     * four zero bytes followed by {@code sequence} as a little-endian u64, as netcode specifies.
     */
    public void encrypt(byte[] buf, int offset, int length, byte[] associatedData, int adLength, long sequence,
            byte[] key) {
        loadSequenceNonce(sequence);
        seal(false, buf, offset, length, associatedData, adLength, key);
    }

    /**
     * Decrypts and authenticates {@code buf[offset, offset + length)} (ciphertext followed by tag)
     * in place with ChaCha20-Poly1305-IETF and the sequence nonce. On success the plaintext
     * occupies {@code buf[offset, offset + length - 16)} and this returns {@code true}; on failure
     * the buffer is left as it was and this returns {@code false}.
     */
    public boolean decrypt(byte[] buf, int offset, int length, byte[] associatedData, int adLength, long sequence,
            byte[] key) {
        loadSequenceNonce(sequence);
        return open(false, buf, offset, length, associatedData, adLength, key);
    }

    /** {@link #encrypt(byte[], int, int, byte[], int, long, byte[])} with an explicit 12-byte nonce. */
    public void encrypt(byte[] buf, int offset, int length, byte[] associatedData, int adLength, byte[] nonce12,
            byte[] key) {
        loadNonce(nonce12, 0, NONCE_BYTES);
        seal(false, buf, offset, length, associatedData, adLength, key);
    }

    /** {@link #decrypt(byte[], int, int, byte[], int, long, byte[])} with an explicit 12-byte nonce. */
    public boolean decrypt(byte[] buf, int offset, int length, byte[] associatedData, int adLength, byte[] nonce12,
            byte[] key) {
        loadNonce(nonce12, 0, NONCE_BYTES);
        return open(false, buf, offset, length, associatedData, adLength, key);
    }

    /**
     * XChaCha20-Poly1305-IETF counterpart of {@link #encrypt}, with the 24-byte nonce at
     * {@code nonce[nonceOffset, nonceOffset + 24)}.
     */
    public void encryptX(byte[] buf, int offset, int length, byte[] associatedData, int adLength, byte[] nonce,
            int nonceOffset, byte[] key) {
        loadNonce(nonce, nonceOffset, XNONCE_BYTES);
        seal(true, buf, offset, length, associatedData, adLength, key);
    }

    /**
     * XChaCha20-Poly1305-IETF counterpart of {@link #decrypt}, with the 24-byte nonce at
     * {@code nonce[nonceOffset, nonceOffset + 24)}.
     */
    public boolean decryptX(byte[] buf, int offset, int length, byte[] associatedData, int adLength, byte[] nonce,
            int nonceOffset, byte[] key) {
        loadNonce(nonce, nonceOffset, XNONCE_BYTES);
        return open(true, buf, offset, length, associatedData, adLength, key);
    }

    private void seal(boolean extended, byte[] buf, int offset, int length, byte[] associatedData, int adLength,
            byte[] key) {
        checkRegion(buf, offset, length + MAC_BYTES);
        load(key, associatedData, adLength);
        scratch.put(DATA_OFFSET, buf, offset, length);
        int result = Sodium.aeadEncrypt(extended, data, data, length, ad, adLength, nonce, this.key);
        if (result != 0) {
            throw new IllegalStateException("libsodium encryption failed (" + result + ")");
        }
        scratch.get(DATA_OFFSET, buf, offset, length + MAC_BYTES);
    }

    private boolean open(boolean extended, byte[] buf, int offset, int length, byte[] associatedData, int adLength,
            byte[] key) {
        if (length < MAC_BYTES) {
            return false;
        }
        checkRegion(buf, offset, length);
        load(key, associatedData, adLength);
        scratch.put(DATA_OFFSET, buf, offset, length);
        int result = Sodium.aeadDecrypt(extended, data, data, length, ad, adLength, nonce, this.key);
        if (result != 0) {
            return false;
        }
        scratch.get(DATA_OFFSET, buf, offset, length - MAC_BYTES);
        return true;
    }

    /**
     * Wipes the key material left in native memory and frees it. The instance must not be used
     * afterwards: it refuses with an {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        memory.clear();
        memory.close();
    }

    private void load(byte[] key, byte[] associatedData, int adLength) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("key must be " + KEY_BYTES + " bytes, got " + key.length);
        }
        if (adLength < 0 || adLength > MAX_AD_BYTES || (adLength > 0 && adLength > associatedData.length)) {
            throw new IllegalArgumentException("associated data length out of range: " + adLength);
        }
        scratch.put(KEY_OFFSET, key, 0, KEY_BYTES);
        if (adLength > 0) {
            scratch.put(AD_OFFSET, associatedData, 0, adLength);
        }
    }

    private void loadNonce(byte[] bytes, int offset, int size) {
        checkOpen();
        if (offset < 0 || bytes.length - offset < size) {
            throw new IllegalArgumentException("nonce must be " + size + " bytes, got " + (bytes.length - offset));
        }
        scratch.put(NONCE_OFFSET, bytes, offset, size);
    }

    private void loadSequenceNonce(long sequence) {
        checkOpen();
        scratch.putInt(NONCE_OFFSET, 0);
        scratch.putLong(NONCE_OFFSET + SEQUENCE_IN_NONCE, sequence);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Aead is closed");
        }
    }

    private static void checkRegion(byte[] buf, int offset, int length) {
        // Written so that it cannot overflow: a huge offset must be refused here like any other.
        if (offset < 0 || length < 0 || length > MAX_MESSAGE_BYTES + MAC_BYTES || offset > buf.length - length) {
            throw new IllegalArgumentException("region out of range: offset " + offset + ", length " + length
                    + ", buffer " + buf.length);
        }
    }

}
