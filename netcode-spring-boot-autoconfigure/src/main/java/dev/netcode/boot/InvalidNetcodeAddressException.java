package dev.netcode.boot;

/** A configured address is not a valid {@code a.b.c.d:port} or {@code [ipv6]:port}. */
public class InvalidNetcodeAddressException extends RuntimeException {

    private final String property;
    private final String value;
    private final String reason;

    public InvalidNetcodeAddressException(String property, String value, String reason) {
        super("Invalid address '" + value + "' in " + property + ": " + reason);
        this.property = property;
        this.value = value;
        this.reason = reason;
    }

    public String getReason() {
        return reason;
    }

    /** The configuration property that holds the address. */
    public String getProperty() {
        return property;
    }

    public String getValue() {
        return value;
    }
}
