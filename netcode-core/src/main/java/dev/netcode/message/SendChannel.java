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
            throw new MessageLimitException(config.name(), MessageLimit.MAX_MESSAGE_BYTES, config.maxMessageBytes(),
                    "a message of " + length + " bytes is larger than the channel allows");
        }
        while (true) {
            long current = held.get();
            long messages = current >>> 32;
            long bytes = current & BYTES_MASK;
            if (messages >= config.windowMessages()) {
                throw new MessageLimitException(config.name(), MessageLimit.WINDOW_MESSAGES, config.windowMessages(),
                        "the channel already holds " + messages + " messages not yet " + (config.delivery().isReliable()
                                ? "acked" : "sent"));
            }
            if (bytes + length > config.sendQueueBytes()) {
                throw new MessageLimitException(config.name(), MessageLimit.SEND_QUEUE_BYTES, config.sendQueueBytes(),
                        "the channel already holds " + bytes + " bytes not yet " + (config.delivery().isReliable()
                                ? "acked" : "sent") + ", no room for " + length + " more");
            }
            if (held.compareAndSet(current, current + ONE_MESSAGE + length)) {
                return;
            }
        }
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
