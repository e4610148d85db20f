package dev.netcode.message;

import java.util.List;

/**
 * A picture of one message connection: the packet layer's measurements and each channel's counters.
 * Immutable; the server and client glue publish a fresh one regularly for other threads to read.
 *
 * @param rttMillis the smoothed round-trip time the packet layer measures from acks
 * @param packetLossPercent the smoothed share of our packets not acked in time
 * @param sentKbps smoothed bandwidth we send, kilobits per second (packet-layer overhead included)
 * @param receivedKbps smoothed bandwidth we receive
 * @param ackedKbps smoothed bandwidth of our packets the peer acked
 * @param packetsSent packets the message layer sent (acks-only packets included)
 * @param packetsReceived packets delivered to the message layer by the packet layer
 * @param packetsInvalid packets refused for bad framing (neither acked nor delivered), plus block
 *        fragments ignored for not matching the block in progress (a correct peer sends neither)
 * @param channels one entry per channel, in channel-id order
 */
public record ConnectionStats(double rttMillis, double packetLossPercent, double sentKbps, double receivedKbps,
        double ackedKbps, long packetsSent, long packetsReceived, long packetsInvalid, List<ChannelStats> channels) {

    public ConnectionStats {
        channels = List.copyOf(channels);
    }

    /** Dropped unreliable messages over all channels. */
    public long messagesDropped() {
        return channels.stream().mapToLong(ChannelStats::messagesDropped).sum();
    }

    /** Bytes of message data held over all channels. */
    public long bufferedBytes() {
        return channels.stream().mapToLong(ChannelStats::bufferedBytes).sum();
    }
}
