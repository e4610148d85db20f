package dev.netcode.message;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending half of one channel on one connection. Its limits are kept in one atomic word
 * (messages held in the high half, bytes in the low half) so that a send from any thread can take
 * its room at the call, and throw there, before the message is handed to the connection's thread.
 */
abstract class SendChannel {

    private static final long ONE_MESSAGE = 1L << 32;
    private static final long BYTES_MASK = 0xFFFF_FFFFL;

    final int id;
    final ChannelConfig config;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong sendsRefused = new AtomicLong();

    long messagesSent;
    long messagesDropped;
    long messagesResent;

    SendChannel(int id, ChannelConfig config) {
        this.id = id;
        this.config = config;
    }

    /**
     * Takes room for a message of {@code length} bytes, from any thread.
     *
     * @throws MessageLimitException naming the limit it would exceed; nothing taken then
     */
    final void reserve(int length) {
        if (length > config.maxMessageBytes()) {
            throw MessageLimitException.tooLarge(config, length);
        }
        MessageLimit full = take(length);
        if (full == MessageLimit.WINDOW_MESSAGES) {
            throw new MessageLimitException(config.name(), full, config.windowMessages(),
                    "the channel already holds " + config.windowMessages() + " messages not yet " + notYet());
        }
        if (full == MessageLimit.SEND_QUEUE_BYTES) {
            throw new MessageLimitException(config.name(), full, config.sendQueueBytes(), "the channel holds "
                    + heldBytes() + " bytes not yet " + notYet() + ", no room for " + length + " more");
        }
    }

    /**
     * As {@link #reserve} for a message within {@link ChannelConfig#maxMessageBytes()}, without
     * throwing: false (nothing taken, a refused send counted) when the channel is full.
     */
    final boolean tryReserve(int length) {
        return take(length) == null;
    }

    /** Takes the room, or counts a refused send and returns the limit that is full. */
    private MessageLimit take(int length) {
        while (true) {
            long current = held.get();
            MessageLimit full = (current >>> 32) >= config.windowMessages() ? MessageLimit.WINDOW_MESSAGES
                    : (current & BYTES_MASK) + length > config.sendQueueBytes() ? MessageLimit.SEND_QUEUE_BYTES : null;
            if (full != null) {
                sendsRefused.incrementAndGet();
                return full;
            }
            if (held.compareAndSet(current, current + ONE_MESSAGE + length)) {
                return null;
            }
        }
    }

    private String notYet() {
        return config.delivery().isReliable() ? "acked" : "sent";
    }

    /** Sends refused because the channel was full, from any thread. */
    final long sendsRefused() {
        return sendsRefused.get();
    }

    /** Gives back the room of {@code messages} messages of {@code bytes} bytes in all; any thread. */
    final void release(int messages, long bytes) {
        held.addAndGet(-(messages * ONE_MESSAGE + bytes));
    }

    /** Bytes held for sending (queued, in flight, or reserved by a send on its way to this thread). */
    final long heldBytes() {
        return held.get() & BYTES_MASK;
    }

    /** Queues a message whose room {@link #reserve} took; on the connection's thread. */
    abstract void enqueue(byte[] message, int offset, int length);

    /** Writes what is due into {@code packet}. */
    abstract void fill(PacketBuilder packet, double now, double resendInterval);

    /** Whether messages wait for their first send. */
    abstract boolean hasUnsent();

    /** The earliest re-send deadline, {@code +Infinity} when nothing waits for an ack. */
    abstract double nextResendTime();

    /** Called after the last packet of a flush. */
    void endFlush() {
    }

    /** Bytes of buffers allocated for sending. */
    abstract long allocatedBytes();
}
