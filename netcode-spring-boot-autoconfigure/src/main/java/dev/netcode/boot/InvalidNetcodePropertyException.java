package dev.netcode.boot;

/**
 * A netcode configuration property has a value the starter cannot work with. Carries the property,
 * its value, why it cannot be used and what it must be instead. Never thrown for
 * {@code netcode.private-key} (see {@link InvalidNetcodeKeyException}), so the value is safe to show.
 */
public class InvalidNetcodePropertyException extends RuntimeException {

    private final String property;
    private final String value;
    private final String reason;
    private final String requirement;

    /**
     * @param property the property, for example {@code netcode.token.timeout}
     * @param value its value as configured
     * @param reason what would go wrong with it
     * @param requirement what the value must be, completing "Set {@code property} to ..."
     */
    public InvalidNetcodePropertyException(String property, String value, String reason, String requirement) {
        super("Invalid value '" + value + "' for " + property + ": " + reason);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.requirement = requirement;
    }

    public String getProperty() {
        return property;
    }

    public String getValue() {
        return value;
    }

    /** What would go wrong with the value, for example "every handshake would time out at once". */
    public String getReason() {
        return reason;
    }

    /** What the value must be, for example "a whole number of seconds, at least 1 (for example 10s)". */
    public String getRequirement() {
        return requirement;
    }
}
