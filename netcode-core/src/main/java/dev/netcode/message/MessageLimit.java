package dev.netcode.message;

/** The limits a send can run into; {@link MessageLimitException#limit()} says which one. */
public enum MessageLimit {

    /** {@link ChannelConfig#maxMessageBytes()}: the message alone is too large for its channel. */
    MAX_MESSAGE_BYTES("maxMessageBytes"),
    /**
     * {@link ChannelConfig#sendQueueBytes()}: the channel already holds this many bytes not yet
     * acked (reliable) or not yet flushed (unreliable).
     */
    SEND_QUEUE_BYTES("sendQueueBytes"),
    /**
     * {@link ChannelConfig#windowMessages()}: the channel already holds this many messages not yet
     * acked (reliable) or not yet flushed (unreliable).
     */
    WINDOW_MESSAGES("windowMessages");

    private final String configField;

    MessageLimit(String configField) {
        this.configField = configField;
    }

    /** The {@link ChannelConfig} component that sets this limit. */
    public String configField() {
        return configField;
    }
}
