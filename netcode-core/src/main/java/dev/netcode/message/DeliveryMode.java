package dev.netcode.message;

/** How a channel delivers its messages; every message of a channel travels the same way. */
public enum DeliveryMode {

    /**
     * At most once, in any order, never waiting for anything: a message lost with its packet is gone.
     * For data soon replaced by newer data (inputs, snapshots) where a late message is worth nothing.
     */
    UNRELIABLE,
    /**
     * As {@link #UNRELIABLE}, but a message older than one already delivered on the channel is
     * dropped (and counted) instead of delivered: the receiver only ever moves forward.
     */
    UNRELIABLE_SEQUENCED,
    /**
     * Exactly once and in the order sent: re-sent until a packet that carried it is acked; a message
     * waits for every earlier one of its channel. For chat, match events, inventory changes.
     */
    RELIABLE_ORDERED,
    /** Exactly once, as soon as it arrives, in any order: reliable without head-of-line blocking. */
    RELIABLE_UNORDERED;

    /** Whether messages are re-sent until acked and delivered exactly once. */
    public boolean isReliable() {
        return this == RELIABLE_ORDERED || this == RELIABLE_UNORDERED;
    }

    /** Whether the channel's messages carry a 16-bit message id on the wire. */
    public boolean hasMessageId() {
        return this != UNRELIABLE;
    }
}
