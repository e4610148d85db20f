package dev.netcode.message;

import java.util.Objects;

/**
 * The message layer of one connection: channels over one {@link dev.netcode.reliable.ReliableEndpoint}.
 * {@link #send} queues a message on a channel; {@link #update} flushes: it packs queued messages,
 * reliable ones due for a re-send and block fragments into packets of at most
 * {@link MessageConfig#packetBudgetBytes()} and hands each reliable datagram to the
 * {@link PayloadSender} (one datagram is one netcode payload); {@link #receivePayload} takes the
 * peer's datagrams and delivers their messages to the {@link MessageReceiver}.
 *
 * <p>Single-threaded: call every method from one thread (the server's or client's), except where
 * noted. Nothing a peer sends makes it throw: bad framing is refused and counted
 * ({@link ConnectionStats#packetsInvalid()}); a peer overflowing a reliable receive window makes
 * {@link #isOverflowed()} true, after which the owner must drop the connection. In steady state it
 * allocates nothing per message: queues and windows are preallocated rings, grown up to their
 * limits on first use.
 */
public final class MessageConnection {

    /** Where the connection's datagrams go: one netcode payload each, valid only during the call. */
    @FunctionalInterface
    public interface PayloadSender {
        void send(byte[] payload, int offset, int length);
    }

    /**
     * Receives delivered messages. The buffer is only valid during the call. It may call
     * {@link MessageConnection#send} (the message goes out with the next flush) but nothing else of
     * the connection.
     */
    @FunctionalInterface
    public interface MessageReceiver {
        void onMessage(int channel, byte[] buf, int offset, int length);
    }

    private final MessageConfig config;

    /**
     * @param time the current time in seconds, on the clock later given to {@link #update}
     */
    public MessageConnection(MessageConfig config, double time, PayloadSender sender, MessageReceiver receiver) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        throw new UnsupportedOperationException("not implemented yet");
    }

    public MessageConfig config() {
        return config;
    }

    /**
     * Queues {@code message[offset, offset + length)} on channel {@code channel}; it leaves with a
     * later flush. The bytes are copied.
     *
     * @throws MessageLimitException if the message is longer than the channel's
     *         {@link ChannelConfig#maxMessageBytes()}, or the channel's send queue or window is
     *         full; nothing is queued then
     * @throws IllegalArgumentException for an unknown channel id or a range outside the array
     */
    public void send(int channel, byte[] message, int offset, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void send(int channel, byte[] message) {
        send(channel, message, 0, message.length);
    }

    /**
     * Takes room for a message of {@code length} bytes on {@code channel}, from any thread: the
     * limit check of {@link #send}, made at the caller's call; {@link #sendReserved} (on the
     * connection's thread) then queues the message in the room taken.
     */
    void reserve(int channel, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Gives back room taken by {@link #reserve} for a message that will not be sent; any thread. */
    void unreserve(int channel, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Queues a message whose room {@link #reserve} took. */
    void sendReserved(int channel, byte[] message, int offset, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** A datagram (a netcode payload) from the peer. Never throws for any bytes. */
    public void receivePayload(byte[] buf, int offset, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Moves the clock to {@code time} and, if {@link MessageConfig#flushIntervalSeconds()} has
     * passed since the last flush, flushes: new messages, re-sends due, and an acks-only packet when
     * the peer sent something we have not acked yet.
     */
    public void update(double time) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * When {@link #update} must run next (the next flush with something to send, or the next re-send
     * deadline), {@code +Infinity} when nothing is pending.
     */
    public double nextUpdateTime() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Whether the peer overflowed a reliable channel's receive window; the connection must then be dropped. */
    public boolean isOverflowed() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The channel whose receive window the peer overflowed, or -1. */
    public int overflowChannel() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Bytes of message data held now over all channels (never above {@link MessageConfig#maxBufferedBytes()}). */
    public long bufferedBytes() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Bytes of message data channel {@code channel} holds now (never above {@link MessageConfig#maxBufferedBytes(int)}). */
    public long bufferedBytes(int channel) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Packets sent so far (their 16-bit sequences wrap after 65,536). */
    public long packetsSent() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** A fresh picture of the connection's measurements and counters (allocates; not per message). */
    public ConnectionStats stats() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
