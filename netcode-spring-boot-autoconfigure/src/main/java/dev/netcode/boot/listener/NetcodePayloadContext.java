package dev.netcode.boot.listener;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * The payload being delivered to {@link NetcodeListener @NetcodeListener} methods, as seen by a
 * {@link NetcodeArgumentResolver}: a raw payload, or with {@code netcode.channels} configured a
 * channel message (its bytes are then "the payload" here). The dispatcher reuses the context and the
 * payload's buffer, so neither is valid after the call: copy what you keep.
 */
public interface NetcodePayloadContext {

    /** The sending client's session. */
    NetcodeSession session();

    /**
     * The sending client's id, as {@code session().clientId()}; boxed once per session, so resolving
     * it allocates nothing.
     */
    Long clientId();

    /**
     * The payload's length in bytes: 1 to 1200 for a raw payload, 0 to the channel's
     * {@code max-message-size} for a message.
     */
    int payloadLength();

    /** The message's channel, or {@code null} for a raw payload (the default). */
    default @Nullable String channel() {
        return null;
    }

    /**
     * The payload as a read-only buffer, positioned at 0 with its limit at {@link #payloadLength()}.
     * Every call returns the same buffer, rewound; valid only during the call.
     */
    ByteBuffer payload();

    /** A new array with a copy of the payload. */
    byte[] copyPayload();
}
