package dev.netcode.message;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.netcode.NetcodeProtocol;
import dev.netcode.reliable.ReliableConfig;

/**
 * The message layer of one connection: its channels and how packets are filled and re-sent. Both
 * peers must use equal configs (the channels in the same order, the same packet budget); the
 * format is described in {@code docs/messages.md}.
 *
 * @param channels the channels; the index in this list is the channel id on the wire; 1..{@value #MAX_CHANNELS}
 *        with distinct names
 * @param packetBudgetBytes the most bytes of messages (with their headers) in one packet; reliable
 *        messages longer than {@link #blockFragmentBytes()} travel as blocks of fragments of that
 *        size. At most {@code reliable.fragmentAbove()} keeps every packet in one datagram (larger
 *        ones ride on the reliable layer's fragmentation, where one lost fragment loses the packet).
 *        {@value #MIN_PACKET_BUDGET_BYTES}..{@code reliable.maxPacketSize()}
 * @param packetsPerFlush the most packets one flush sends; the connection's bandwidth is bounded by
 *        {@code packetsPerFlush * packetBudgetBytes / flushIntervalSeconds}; at least 1
 * @param flushIntervalSeconds the least time between two flushes of a connection (new messages,
 *        re-sends and acks wait for the next one); 0 flushes on every update; 0..1
 * @param maxReliableMessageBytes the largest {@link ChannelConfig#maxMessageBytes()} a reliable
 *        channel may have; 1..{@value #MAX_RELIABLE_MESSAGE_BYTES_LIMIT}
 * @param minResendSeconds the shortest wait before a reliable message (or block fragment) not yet
 *        acked is sent again; the wait follows the measured round trip within these bounds; &gt; 0
 * @param maxResendSeconds the longest such wait; at least {@code minResendSeconds}, at most 10
 * @param reliable the packet layer below (acks, packet fragmentation); its datagrams must fit a
 *        netcode payload of {@value NetcodeProtocol#MAX_PAYLOAD_BYTES} bytes
 */
public record MessageConfig(List<ChannelConfig> channels, int packetBudgetBytes, int packetsPerFlush,
        double flushIntervalSeconds, int maxReliableMessageBytes, double minResendSeconds, double maxResendSeconds,
        ReliableConfig reliable) {

    /** Most channels: the channel id is 6 bits of an entry's first byte. */
    public static final int MAX_CHANNELS = 64;

    /** Bytes before the first entry of every packet: the format byte, 0. */
    public static final int PACKET_HEADER_BYTES = 1;

    /** Most bytes of a message entry's header: kind and channel (1), message id (2), length (varint, up to 3). */
    public static final int MAX_MESSAGE_HEADER_BYTES = 6;

    /** Packet header plus message header: what a message needs besides its bytes in a packet of its own. */
    public static final int MAX_MESSAGE_OVERHEAD_BYTES = PACKET_HEADER_BYTES + MAX_MESSAGE_HEADER_BYTES;

    /** Bytes of a block fragment entry's header: kind and channel (1), message id (2), message length (4), fragment size (2), fragment index (2). */
    public static final int FRAGMENT_HEADER_BYTES = 11;

    /** Smallest {@link #packetBudgetBytes()}. */
    public static final int MIN_PACKET_BUDGET_BYTES = 64;

    /** Default {@link #maxReliableMessageBytes()}: 256 KiB. */
    public static final int DEFAULT_MAX_RELIABLE_MESSAGE_BYTES = 256 * 1024;

    /** Largest {@link #maxReliableMessageBytes()}: 16 MiB. */
    public static final int MAX_RELIABLE_MESSAGE_BYTES_LIMIT = 16 * 1024 * 1024;

    /** Default {@link #packetsPerFlush()}. */
    public static final int DEFAULT_PACKETS_PER_FLUSH = 4;

    /** Default {@link #flushIntervalSeconds()}: 100 flushes a second at most. */
    public static final double DEFAULT_FLUSH_INTERVAL_SECONDS = 0.01;

    /** Default {@link #minResendSeconds()}. */
    public static final double DEFAULT_MIN_RESEND_SECONDS = 0.05;

    /** Default {@link #maxResendSeconds()}. */
    public static final double DEFAULT_MAX_RESEND_SECONDS = 1.0;

    /** Largest reliable packet header, which precedes the payload in an unfragmented datagram. */
    private static final int MAX_RELIABLE_HEADER_BYTES = 9;

    /**
     * Checks every component and every channel against them.
     *
     * @throws IllegalArgumentException naming the component (and channel) out of range
     */
    public MessageConfig {
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(reliable, "reliable");
        channels = List.copyOf(channels);
        if (channels.isEmpty() || channels.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels must list 1.." + MAX_CHANNELS + " channels, was " + channels.size());
        }
        if (reliable.fragmentAbove() + MAX_RELIABLE_HEADER_BYTES > NetcodeProtocol.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("reliable.fragmentAbove must be at most "
                    + (NetcodeProtocol.MAX_PAYLOAD_BYTES - MAX_RELIABLE_HEADER_BYTES)
                    + " so that an unfragmented packet fits a netcode payload, was " + reliable.fragmentAbove());
        }
        if (reliable.fragmentSize() + dev.netcode.reliable.ReliableEndpoint.FRAGMENT_HEADER_BYTES
                + MAX_RELIABLE_HEADER_BYTES > NetcodeProtocol.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("reliable.fragmentSize must be at most "
                    + (NetcodeProtocol.MAX_PAYLOAD_BYTES - dev.netcode.reliable.ReliableEndpoint.FRAGMENT_HEADER_BYTES
                            - MAX_RELIABLE_HEADER_BYTES)
                    + " so that a fragment fits a netcode payload, was " + reliable.fragmentSize());
        }
        if (packetBudgetBytes < MIN_PACKET_BUDGET_BYTES || packetBudgetBytes > reliable.maxPacketSize()) {
            throw new IllegalArgumentException("packetBudgetBytes must be " + MIN_PACKET_BUDGET_BYTES
                    + "..reliable.maxPacketSize (" + reliable.maxPacketSize() + "), was " + packetBudgetBytes);
        }
        if (packetsPerFlush < 1) {
            throw new IllegalArgumentException("packetsPerFlush must be at least 1, was " + packetsPerFlush);
        }
        if (!(flushIntervalSeconds >= 0 && flushIntervalSeconds <= 1)) {
            throw new IllegalArgumentException("flushIntervalSeconds must be 0..1, was " + flushIntervalSeconds);
        }
        if (maxReliableMessageBytes < 1 || maxReliableMessageBytes > MAX_RELIABLE_MESSAGE_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxReliableMessageBytes must be 1.." + MAX_RELIABLE_MESSAGE_BYTES_LIMIT
                    + ", was " + maxReliableMessageBytes);
        }
        if (!(minResendSeconds > 0 && minResendSeconds <= maxResendSeconds && maxResendSeconds <= 10)) {
            throw new IllegalArgumentException("minResendSeconds and maxResendSeconds must satisfy 0 < min <= max <= 10, were "
                    + minResendSeconds + " and " + maxResendSeconds);
        }
        int maxUnreliable = reliable.maxPacketSize() - MAX_MESSAGE_OVERHEAD_BYTES;
        int fragmentBytes = packetBudgetBytes - PACKET_HEADER_BYTES - FRAGMENT_HEADER_BYTES;
        Set<String> names = new HashSet<>();
        for (ChannelConfig channel : channels) {
            Objects.requireNonNull(channel, "channel");
            if (!names.add(channel.name())) {
                throw new IllegalArgumentException("channel '" + channel.name() + "' is configured twice");
            }
            if (channel.delivery().isReliable()) {
                if (channel.maxMessageBytes() > maxReliableMessageBytes) {
                    throw new IllegalArgumentException("channel '" + channel.name() + "': maxMessageBytes ("
                            + channel.maxMessageBytes() + ") must be at most maxReliableMessageBytes ("
                            + maxReliableMessageBytes + ")");
                }
                if ((channel.maxMessageBytes() + (long) fragmentBytes - 1) / fragmentBytes > 0xFFFF) {
                    throw new IllegalArgumentException("channel '" + channel.name() + "': maxMessageBytes ("
                            + channel.maxMessageBytes() + ") needs more than 65535 fragments of " + fragmentBytes
                            + " bytes; raise packetBudgetBytes");
                }
            }
            else if (channel.maxMessageBytes() > maxUnreliable) {
                throw new IllegalArgumentException("channel '" + channel.name() + "': maxMessageBytes ("
                        + channel.maxMessageBytes() + ") of an unreliable channel must be at most reliable.maxPacketSize - "
                        + MAX_MESSAGE_OVERHEAD_BYTES + " (" + maxUnreliable + ")");
            }
        }
    }

    /**
     * The given channels with every other component at its default and {@link ReliableConfig#defaults()};
     * {@link #maxReliableMessageBytes()} is {@value #DEFAULT_MAX_RELIABLE_MESSAGE_BYTES}, or the
     * largest reliable channel's {@link ChannelConfig#maxMessageBytes()} if that is larger.
     */
    public static MessageConfig of(List<ChannelConfig> channels) {
        ReliableConfig reliable = ReliableConfig.defaults();
        int maxReliable = DEFAULT_MAX_RELIABLE_MESSAGE_BYTES;
        for (ChannelConfig channel : channels) {
            if (channel.delivery().isReliable()) {
                maxReliable = Math.max(maxReliable, channel.maxMessageBytes());
            }
        }
        return new MessageConfig(channels, reliable.fragmentAbove(), DEFAULT_PACKETS_PER_FLUSH,
                DEFAULT_FLUSH_INTERVAL_SECONDS, maxReliable, DEFAULT_MIN_RESEND_SECONDS, DEFAULT_MAX_RESEND_SECONDS,
                reliable);
    }

    public static MessageConfig of(ChannelConfig... channels) {
        return of(List.of(channels));
    }

    public MessageConfig withPacketBudgetBytes(int bytes) {
        return new MessageConfig(channels, bytes, packetsPerFlush, flushIntervalSeconds, maxReliableMessageBytes,
                minResendSeconds, maxResendSeconds, reliable);
    }

    public MessageConfig withPacketsPerFlush(int packets) {
        return new MessageConfig(channels, packetBudgetBytes, packets, flushIntervalSeconds, maxReliableMessageBytes,
                minResendSeconds, maxResendSeconds, reliable);
    }

    public MessageConfig withFlushIntervalSeconds(double seconds) {
        return new MessageConfig(channels, packetBudgetBytes, packetsPerFlush, seconds, maxReliableMessageBytes,
                minResendSeconds, maxResendSeconds, reliable);
    }

    public MessageConfig withMaxReliableMessageBytes(int bytes) {
        return new MessageConfig(channels, packetBudgetBytes, packetsPerFlush, flushIntervalSeconds, bytes,
                minResendSeconds, maxResendSeconds, reliable);
    }

    public MessageConfig withResendSeconds(double min, double max) {
        return new MessageConfig(channels, packetBudgetBytes, packetsPerFlush, flushIntervalSeconds,
                maxReliableMessageBytes, min, max, reliable);
    }

    public MessageConfig withReliable(ReliableConfig config) {
        return new MessageConfig(channels, packetBudgetBytes, packetsPerFlush, flushIntervalSeconds,
                maxReliableMessageBytes, minResendSeconds, maxResendSeconds, config);
    }

    /** The channel with id {@code id}. */
    public ChannelConfig channel(int id) {
        return channels.get(id);
    }

    /** The id of the channel named {@code name}, or -1 if there is none. */
    public int channelId(String name) {
        for (int i = 0; i < channels.size(); i++) {
            if (channels.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The id of the channel named {@code name}.
     *
     * @throws IllegalArgumentException if no channel has that name, listing the names there are
     */
    public int requireChannelId(String name) {
        int id = channelId(name);
        if (id < 0) {
            throw new IllegalArgumentException("no channel named '" + name + "'; the channels are "
                    + channels.stream().map(ChannelConfig::name).toList());
        }
        return id;
    }

    /** Data bytes of every block fragment but a block's last: the packet budget less the packet and fragment headers. */
    public int blockFragmentBytes() {
        return packetBudgetBytes - PACKET_HEADER_BYTES - FRAGMENT_HEADER_BYTES;
    }

    /** Largest message an unreliable channel may allow: one packet of {@code reliable.maxPacketSize()}. */
    public int maxUnreliableMessageBytes() {
        return reliable.maxPacketSize() - MAX_MESSAGE_OVERHEAD_BYTES;
    }

    /**
     * The most bytes of message data channel {@code id} holds on one connection, sending and
     * receiving: its send queue, plus on reliable channels one block being reassembled and, on
     * ordered ones, a window of messages waiting for an earlier one.
     */
    public long maxBufferedBytes(int id) {
        ChannelConfig channel = channels.get(id);
        long bytes = channel.sendQueueBytes();
        if (channel.delivery().isReliable()) {
            bytes += channel.maxMessageBytes();
            if (channel.delivery() == DeliveryMode.RELIABLE_ORDERED) {
                bytes += (long) channel.windowMessages() * Math.min(blockFragmentBytes(), channel.maxMessageBytes());
            }
        }
        return bytes;
    }

    /** The most bytes of message data one connection holds: {@link #maxBufferedBytes(int)} over all channels. */
    public long maxBufferedBytes() {
        long total = 0;
        for (int i = 0; i < channels.size(); i++) {
            total += maxBufferedBytes(i);
        }
        return total;
    }
}
