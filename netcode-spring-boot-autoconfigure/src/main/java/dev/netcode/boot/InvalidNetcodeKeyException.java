package dev.netcode.boot;

/**
 * The configured private key cannot be used. The message says why without ever containing the key.
 */
public class InvalidNetcodeKeyException extends RuntimeException {

    private final String reason;

    public InvalidNetcodeKeyException(String reason) {
        super("Invalid netcode private key: " + reason);
        this.reason = reason;
    }

    /** What is wrong with the key, e.g. "it decodes to 31 bytes instead of 32". */
    public String getReason() {
        return reason;
    }
}
