package dev.netcode.boot;

import java.util.Arrays;
import java.util.Base64;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.SecureRandomBytes;

/**
 * The 32-byte key that token issuers and game servers share: issuers seal connect tokens with it,
 * servers open them. Its text form, its bytes and its origin never appear in {@link #toString()},
 * logs or exception messages.
 */
public final class NetcodePrivateKey {

    private final byte[] key;
    private final boolean generated;

    private NetcodePrivateKey(byte[] key, boolean generated) {
        this.key = key;
        this.generated = generated;
    }

    /**
     * Decodes a key given as 64 hex digits or as base64 of 32 bytes.
     *
     * @throws InvalidNetcodeKeyException saying what is wrong, never echoing the text
     */
    public static NetcodePrivateKey decode(String text) {
        String trimmed = text.trim();
        byte[] bytes;
        if (trimmed.length() == 2 * NetcodeProtocol.KEY_BYTES && trimmed.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            bytes = Bytes.fromHex(trimmed);
        }
        else {
            try {
                bytes = Base64.getDecoder().decode(trimmed);
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidNetcodeKeyException("it is neither 64 hex digits nor base64 (" + trimmed.length()
                        + " characters)");
            }
        }
        if (bytes.length != NetcodeProtocol.KEY_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new InvalidNetcodeKeyException("it decodes to " + bytes.length + " bytes instead of "
                    + NetcodeProtocol.KEY_BYTES);
        }
        return new NetcodePrivateKey(bytes, false);
    }

    /** A new random key, for a single instance that issues its own tokens. */
    public static NetcodePrivateKey generate() {
        return new NetcodePrivateKey(SecureRandomBytes.key(), true);
    }

    /** A copy of the 32 key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** Whether the key was generated at start-up rather than configured. */
    public boolean isGenerated() {
        return generated;
    }

    @Override
    public String toString() {
        return "NetcodePrivateKey[" + (generated ? "generated" : "configured") + ", redacted]";
    }
}
