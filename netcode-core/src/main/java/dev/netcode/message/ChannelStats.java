package dev.netcode.message;

/**
 * One channel's counters on one connection, since the connection began.
 *
 * @param name the channel's name
 * @param delivery its delivery mode
 * @param messagesSent messages accepted by {@code send}
 * @param messagesReceived messages delivered to the application
 * @param messagesDropped unreliable messages dropped: on sending, those a flush had no room for
 *        (they never wait for a later flush); on receiving, sequenced ones older than one already
 *        delivered. Reliable channels drop nothing
 * @param messagesResent re-sends of reliable messages and block fragments whose packet was not acked in time
 * @param bufferedBytes bytes of message data the channel holds now, sending and receiving (at most
 *        {@link MessageConfig#maxBufferedBytes(int)})
 */
public record ChannelStats(String name, DeliveryMode delivery, long messagesSent, long messagesReceived,
        long messagesDropped, long messagesResent, long bufferedBytes) {
}
