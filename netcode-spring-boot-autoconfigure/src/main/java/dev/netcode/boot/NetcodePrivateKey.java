package dev.netcode.boot;

import java.util.Arrays;
import java.util.Base64;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.SecureRandomBytes;

/**
 * The 32-byte key that token issuers and game servers share: issuers seal connect tokens with it,
 * servers open them. Its text form, its bytes and its origin never appear in {@link #toString()},
 * logs or exception messages. {@link #close()} zeroes the bytes; as a bean, the application
 * context does that when it closes.
 */
public final class NetcodePrivateKey implements AutoCloseable {

    private final byte[] key;
    private final boolean generated;
    private volatile boolean closed;

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
        if (trimmed.startsWith("${") && trimmed.endsWith("}")) {
            throw new InvalidNetcodeKeyException(unresolvedPlaceholder(trimmed));
        }
        byte[] bytes;
        if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            // All hex digits: a hex key with a digit too many or too few, not base64 (a random base64 key
            // of 32 bytes uses only hex digits with a probability below 10^-19).
            if (trimmed.length() != 2 * NetcodeProtocol.KEY_BYTES) {
                throw new InvalidNetcodeKeyException("it has " + trimmed.length() + " hex digits, expected "
                        + 2 * NetcodeProtocol.KEY_BYTES);
            }
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

    /**
     * Spring leaves a placeholder it cannot resolve as it is, so "${NETCODE_PRIVATE_KEY}" with the variable
     * unset arrives here. The placeholder names a variable, not a key, so the reason may show it; anything
     * else between the braces (a default value could be a key) is not shown.
     */
    private static String unresolvedPlaceholder(String placeholder) {
        String name = placeholder.substring(2, placeholder.length() - 1);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.\\-]{0,99}")) {
            return "it is a placeholder (${...}) that was not resolved";
        }
        return "the placeholder ${" + name + "} was not resolved: set the environment variable (or property) " + name
                + ", or write ${" + name + ":} for a random key in development";
    }

    /** A new random key, for a single instance that issues its own tokens. */
    public static NetcodePrivateKey generate() {
        return new NetcodePrivateKey(SecureRandomBytes.key(), true);
    }

    /**
     * A copy of the 32 key bytes.
     *
     * @throws IllegalStateException once closed
     */
    public byte[] bytes() {
        if (closed) {
            throw new IllegalStateException("this NetcodePrivateKey is closed (its bytes wiped)");
        }
        return key.clone();
    }

    /** Zeroes the key bytes; {@link #bytes()} refuses afterwards. The copies handed out are their holders' to wipe. */
    @Override
    public void close() {
        closed = true;
        Arrays.fill(key, (byte) 0);
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
