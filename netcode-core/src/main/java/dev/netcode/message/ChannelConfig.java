package dev.netcode.message;

import java.util.Objects;

/**
 * One channel of a {@link MessageConfig}: its name, how it delivers, and the limits that bound its
 * memory. Both peers must configure the same channels in the same order (the index in
 * {@link MessageConfig#channels()} is the channel id on the wire), with the same delivery modes
 * and limits.
 *
 * @param name what the application calls the channel; not on the wire; non-blank
 * @param delivery how the channel's messages are delivered
 * @param maxMessageBytes the largest message {@code send} accepts, 0 allowed for empty messages
 *        (a larger one throws {@link MessageLimitException} with {@link MessageLimit#MAX_MESSAGE_BYTES});
 *        reliable channels: at most {@link MessageConfig#maxReliableMessageBytes()}; unreliable
 *        ones: at most {@link MessageConfig#maxUnreliableMessageBytes()}
 * @param sendQueueBytes bytes of message data the channel holds for sending: on a reliable channel
 *        from the oldest message not yet acked to the newest, on an unreliable one until the next
 *        flush; a send beyond throws with {@link MessageLimit#SEND_QUEUE_BYTES}. At least
 *        {@code maxMessageBytes}
 * @param windowMessages messages the channel holds for sending, as above (a send beyond throws
 *        with {@link MessageLimit#WINDOW_MESSAGES}); on reliable channels also the receive window:
 *        a peer that sends a message id this far or further ahead of the next one expected is
 *        disconnected. 1..{@value #MAX_WINDOW_MESSAGES}
 */
public record ChannelConfig(String name, DeliveryMode delivery, int maxMessageBytes, int sendQueueBytes,
        int windowMessages) {

    /** Largest {@link #windowMessages()}: a quarter of the 16-bit id space, so ahead and behind never mix. */
    public static final int MAX_WINDOW_MESSAGES = 16_384;

    /** Default {@link #windowMessages()}. */
    public static final int DEFAULT_WINDOW_MESSAGES = 256;

    /**
     * Default {@link #maxMessageBytes()} of unreliable channels: the largest message that fits one
     * packet of {@link dev.netcode.reliable.ReliableConfig#defaults()} (16384 bytes less the
     * {@value MessageConfig#MAX_MESSAGE_OVERHEAD_BYTES} bytes of packet and message headers).
     */
    public static final int DEFAULT_MAX_UNRELIABLE_MESSAGE_BYTES = 16 * 1024 - MessageConfig.MAX_MESSAGE_OVERHEAD_BYTES;

    /** Default {@link #sendQueueBytes()} of unreliable channels. */
    public static final int DEFAULT_UNRELIABLE_SEND_QUEUE_BYTES = 64 * 1024;

    /** Default {@link #sendQueueBytes()} of reliable channels: two messages of the default maximum. */
    public static final int DEFAULT_RELIABLE_SEND_QUEUE_BYTES = 2 * MessageConfig.DEFAULT_MAX_RELIABLE_MESSAGE_BYTES;

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException naming the channel and the component out of range
     */
    public ChannelConfig {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("channel name must not be blank");
        }
        Objects.requireNonNull(delivery, "delivery of channel '" + name + "'");
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("channel '" + name + "': maxMessageBytes must be >= 0, was " + maxMessageBytes);
        }
        if (sendQueueBytes < Math.max(1, maxMessageBytes)) {
            throw new IllegalArgumentException("channel '" + name + "': sendQueueBytes must be at least maxMessageBytes ("
                    + maxMessageBytes + ") and at least 1, was " + sendQueueBytes);
        }
        if (windowMessages < 1 || windowMessages > MAX_WINDOW_MESSAGES) {
            throw new IllegalArgumentException("channel '" + name + "': windowMessages must be 1.." + MAX_WINDOW_MESSAGES
                    + ", was " + windowMessages);
        }
    }

    /** A channel with the default limits of its delivery mode. */
    public static ChannelConfig of(String name, DeliveryMode delivery) {
        boolean reliable = Objects.requireNonNull(delivery, "delivery").isReliable();
        return new ChannelConfig(name, delivery,
                reliable ? MessageConfig.DEFAULT_MAX_RELIABLE_MESSAGE_BYTES : DEFAULT_MAX_UNRELIABLE_MESSAGE_BYTES,
                reliable ? DEFAULT_RELIABLE_SEND_QUEUE_BYTES : DEFAULT_UNRELIABLE_SEND_QUEUE_BYTES, DEFAULT_WINDOW_MESSAGES);
    }

    public ChannelConfig withMaxMessageBytes(int bytes) {
        return new ChannelConfig(name, delivery, bytes, Math.max(sendQueueBytes, bytes), windowMessages);
    }

    public ChannelConfig withSendQueueBytes(int bytes) {
        return new ChannelConfig(name, delivery, maxMessageBytes, bytes, windowMessages);
    }

    public ChannelConfig withWindowMessages(int messages) {
        return new ChannelConfig(name, delivery, maxMessageBytes, sendQueueBytes, messages);
    }
}
