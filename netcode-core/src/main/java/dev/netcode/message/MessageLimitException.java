package dev.netcode.message;

/**
 * A send refused at the call because it would exceed one of its channel's limits; nothing of the
 * message was queued or sent. The message names the channel, the limit and its value, so the
 * exception can be shown as it is.
 */
public final class MessageLimitException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String channel;
    private final MessageLimit limit;
    private final long limitValue;

    public MessageLimitException(String channel, MessageLimit limit, long limitValue, String detail) {
        super("message refused on channel '" + channel + "': " + detail + " (limit " + limit.configField() + " = "
                + limitValue + ")");
        this.channel = channel;
        this.limit = limit;
        this.limitValue = limitValue;
    }

    /** The name of the channel the message was for. */
    public String channel() {
        return channel;
    }

    /** Which limit the message ran into. */
    public MessageLimit limit() {
        return limit;
    }

    /** The configured value of that limit. */
    public long limitValue() {
        return limitValue;
    }
}
