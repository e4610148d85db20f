package dev.netcode.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.netcode.reliable.ReliableEndpoint;

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

    /** RTT smoothing as TCP's (RFC 6298): gains 1/8 and 1/4, re-send after srtt + 4 rttvar. */
    private static final double RTT_GAIN = 0.125;
    private static final double RTT_VARIANCE_GAIN = 0.25;
    /**
     * Time between two statistics updates of the reliable layer: {@link ReliableEndpoint#update}
     * recomputes loss and bandwidth over its whole packet history (the costliest part of a tick),
     * so its clock alone follows ours on every send and receive and its statistics this often.
     */
    static final double ENDPOINT_UPDATE_INTERVAL = 0.1;
    /**
     * Slack in the flush interval check: a loop ticking at exactly the interval adds up its clock in
     * floating point, and must not see every other tick come a hair too early.
     */
    private static final double CLOCK_TOLERANCE = 1e-6;
    /** Re-send interval before the first RTT sample (bounded by the configured min and max). */
    private static final double INITIAL_RESEND_SECONDS = 0.25;

    private final MessageConfig config;
    private final PayloadSender sender;
    private final MessageReceiver receiver;
    private final ReliableEndpoint endpoint;
    private final PacketReader reader;
    private final PacketBuilder packet;
    private final SentPackets sentPackets;
    private final SendChannel[] sendChannels;
    private final ReliableSendChannel[] reliableSenders;
    private final ReliableReceiveChannel[] reliableReceivers;
    /** Newest sequence delivered per sequenced channel, -1 before the first. */
    private final int[] newestSequence;
    private final long[] unreliableReceived;
    private final long[] sequencedDropped;

    private double time;
    private double lastFlushTime = Double.NEGATIVE_INFINITY;
    private double lastEndpointUpdate = Double.NEGATIVE_INFINITY;
    private int rotation;
    /** Whether the peer sent entries since our last packet, so an acks-only packet is owed. */
    private boolean ackOwed;
    private int overflowChannel = -1;
    private boolean rttMeasured;
    private double smoothedRtt;
    private double rttVariance;
    private long packetsSent;
    private long packetsReceived;
    private long packetsInvalid;

    /**
     * @param time the current time in seconds, on the clock later given to {@link #update}
     */
    public MessageConnection(MessageConfig config, double time, PayloadSender sender, MessageReceiver receiver) {
        this.config = Objects.requireNonNull(config, "config");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.time = time;
        this.endpoint = new ReliableEndpoint(config.reliable(), time, this::transmit, this::process);
        this.reader = new PacketReader(config);
        this.packet = new PacketBuilder(config.reliable().maxPacketSize());
        this.sentPackets = new SentPackets(config.reliable().sentPacketsBufferSize());
        int count = config.channels().size();
        this.sendChannels = new SendChannel[count];
        this.reliableSenders = new ReliableSendChannel[count];
        this.reliableReceivers = new ReliableReceiveChannel[count];
        this.newestSequence = new int[count];
        this.unreliableReceived = new long[count];
        this.sequencedDropped = new long[count];
        for (int i = 0; i < count; i++) {
            ChannelConfig channel = config.channel(i);
            newestSequence[i] = -1;
            if (channel.delivery().isReliable()) {
                reliableSenders[i] = new ReliableSendChannel(i, channel, config.blockFragmentBytes());
                reliableReceivers[i] = new ReliableReceiveChannel(i, channel, config.blockFragmentBytes());
                sendChannels[i] = reliableSenders[i];
            }
            else {
                sendChannels[i] = new UnreliableSendChannel(i, channel);
            }
        }
    }

    public MessageConfig config() {
        return config;
    }

    // ---- sending ----------------------------------------------------------------------------------

    /**
     * Queues {@code message[offset, offset + length)} on channel {@code channel}; it leaves with a
     * later flush. The bytes are copied.
     *
     * @throws MessageLimitException if the message is longer than the channel's
     *         {@link ChannelConfig#maxMessageBytes()}, or the channel's send queue or window is
     *         full; nothing is queued then
     * @throws IllegalArgumentException for an unknown channel id
     * @throws IndexOutOfBoundsException for a range outside the array
     */
    public void send(int channel, byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        reserve(channel, length);
        sendReserved(channel, message, offset, length);
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
        sendChannel(channel).reserve(length);
    }

    /**
     * As {@link #reserve} for a message known to be within the channel's
     * {@link ChannelConfig#maxMessageBytes()}, without throwing.
     *
     * @return false, taking nothing and counting a refused send, when the channel is full
     */
    boolean tryReserve(int channel, int length) {
        return sendChannel(channel).tryReserve(length);
    }

    /** Gives back room taken by {@link #reserve} for a message that will not be sent; any thread. */
    void unreserve(int channel, int length) {
        sendChannel(channel).release(1, length);
    }

    /** Queues a message whose room {@link #reserve} took. */
    void sendReserved(int channel, byte[] message, int offset, int length) {
        sendChannel(channel).enqueue(message, offset, length);
    }

    private SendChannel sendChannel(int channel) {
        config.channel(channel); // throws for an unknown id
        return sendChannels[channel];
    }

    /**
     * Moves the clock to {@code time} and, if {@link MessageConfig#flushIntervalSeconds()} has
     * passed since the last flush, flushes: new messages, re-sends due, and an acks-only packet when
     * the peer sent something we have not acked yet.
     */
    public void update(double time) {
        advanceClock(time);
        if (this.time - lastEndpointUpdate >= ENDPOINT_UPDATE_INTERVAL) {
            endpoint.update(this.time);
            lastEndpointUpdate = this.time;
        }
        if (overflowChannel >= 0 || this.time - lastFlushTime < config.flushIntervalSeconds() - CLOCK_TOLERANCE) {
            return;
        }
        flush();
    }

    private void advanceClock(double now) {
        if (now > time) {
            time = now;
            endpoint.setTime(now);
        }
    }

    // The interval counts from the last flush that sent something: an update with nothing to send
    // (another client's datagram woke the server, a keep-alive tick) must not delay the next message.
    private void flush() {
        double resendInterval = resendInterval();
        int channels = sendChannels.length;
        for (int p = 0; p < config.packetsPerFlush(); p++) {
            packet.start(config.packetBudgetBytes());
            for (int k = 0; k < channels && !packet.isClosed(); k++) {
                sendChannels[(rotation + k) % channels].fill(packet, time, resendInterval);
            }
            rotation = (rotation + 1) % channels;
            if (packet.isEmpty()) {
                if (p == 0 && ackOwed) {
                    sendPacket();
                }
                break;
            }
            sendPacket();
        }
        for (SendChannel channel : sendChannels) {
            channel.endFlush();
        }
    }

    private void sendPacket() {
        int sequence = endpoint.nextPacketSequence();
        if (endpoint.sendPacket(packet.buf, 0, packet.pos)) {
            sentPackets.record(sequence, time, packet);
            packetsSent++;
            ackOwed = false;
            lastFlushTime = time;
        }
    }

    private void transmit(int sequence, byte[] datagram, int offset, int length) {
        sender.send(datagram, offset, length);
    }

    /** The re-send interval: srtt + 4 rttvar of our own RTT samples, within the configured bounds. */
    double resendInterval() {
        double interval = rttMeasured ? smoothedRtt + 4 * rttVariance : INITIAL_RESEND_SECONDS;
        return Math.min(config.maxResendSeconds(), Math.max(config.minResendSeconds(), interval));
    }

    /**
     * When {@link #update} must run next (the next flush with something to send, or the next re-send
     * deadline), {@code +Infinity} when nothing is pending.
     */
    public double nextUpdateTime() {
        if (overflowChannel >= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double flushable = lastFlushTime + config.flushIntervalSeconds();
        double next = ackOwed ? flushable : Double.POSITIVE_INFINITY;
        for (SendChannel channel : sendChannels) {
            if (channel.hasUnsent()) {
                return flushable;
            }
            next = Math.min(next, Math.max(flushable, channel.nextResendTime()));
        }
        return next;
    }

    // ---- receiving --------------------------------------------------------------------------------

    /**
     * A datagram (a netcode payload) from the peer, received at {@code time} (the clock of
     * {@link #update}; acks it carries are timed by it). Never throws for any bytes.
     */
    public void receivePayload(double time, byte[] buf, int offset, int length) {
        advanceClock(time);
        receivePayload(buf, offset, length);
    }

    /** As {@link #receivePayload(double, byte[], int, int)} at the time of the last {@link #update}. */
    public void receivePayload(byte[] buf, int offset, int length) {
        if (overflowChannel >= 0) {
            return;
        }
        endpoint.receivePacket(buf, offset, length);
        int acks = endpoint.ackCount();
        for (int i = 0; i < acks; i++) {
            acked(endpoint.ack(i));
        }
        endpoint.clearAcks();
    }

    private void acked(int sequence) {
        int record = sentPackets.take(sequence);
        if (record < 0) {
            return;
        }
        int entries = sentPackets.entryCount(record);
        if (entries > 0) {
            // Only packets with reliable entries are acked promptly (acks-only packets wait for
            // the peer's next packet), so only they are fair RTT samples.
            sampleRtt(time - sentPackets.sendTime(record));
        }
        for (int i = 0; i < entries; i++) {
            long entry = sentPackets.entry(record, i);
            ReliableSendChannel channel = reliableSenders[PacketBuilder.entryChannel(entry)];
            channel.ack(PacketBuilder.entryId(entry), PacketBuilder.entryFragment(entry));
        }
    }

    private void sampleRtt(double rtt) {
        if (!rttMeasured) {
            smoothedRtt = rtt;
            rttVariance = rtt / 2;
            rttMeasured = true;
            return;
        }
        rttVariance += RTT_VARIANCE_GAIN * (Math.abs(smoothedRtt - rtt) - rttVariance);
        smoothedRtt += RTT_GAIN * (rtt - smoothedRtt);
    }

    /** The reliable layer's processor: checks the whole packet, then delivers it. */
    private boolean process(int sequence, byte[] payload, int offset, int length) {
        if (!check(payload, offset, length)) {
            return false;
        }
        boolean entries = false;
        reader.start(payload, offset, length);
        while (reader.next() == PacketReader.ENTRY) {
            entries = true;
            apply();
        }
        packetsReceived++;
        ackOwed |= entries;
        return true;
    }

    /**
     * Whether the packet is well formed and keeps within every receive window; notes an overflow.
     * Only a well-formed packet overflows (docs/messages.md): a malformed one is refused and
     * counted whatever ids it holds, so the whole packet is read before an overflow counts.
     */
    private boolean check(byte[] payload, int offset, int length) {
        if (!reader.start(payload, offset, length)) {
            packetsInvalid++;
            return false;
        }
        int overflow = -1;
        int result;
        while ((result = reader.next()) == PacketReader.ENTRY) {
            ReliableReceiveChannel channel = reliableReceivers[reader.channel];
            if (overflow < 0 && channel != null && channel.check(reader.id) == ReliableReceiveChannel.OVERFLOW) {
                overflow = reader.channel;
            }
        }
        if (result == PacketReader.INVALID) {
            packetsInvalid++;
            return false;
        }
        if (overflow >= 0) {
            overflowChannel = overflow;
            return false;
        }
        return true;
    }

    private void apply() {
        int channel = reader.channel;
        ReliableReceiveChannel reliable = reliableReceivers[channel];
        if (reliable != null) {
            if (reader.kind == Framing.KIND_FRAGMENT) {
                if (!reliable.receiveFragment(reader.id, reader.messageLength, reader.fragmentSize,
                        reader.fragmentIndex, reader.buf(), reader.dataOffset, reader.dataLength, receiver)) {
                    packetsInvalid++;
                }
            }
            else {
                reliable.receiveMessage(reader.id, reader.buf(), reader.dataOffset, reader.dataLength, receiver);
            }
            return;
        }
        if (config.channel(channel).delivery() == DeliveryMode.UNRELIABLE_SEQUENCED) {
            int newest = newestSequence[channel];
            if (newest >= 0 && !Framing.newer(reader.id, newest)) {
                sequencedDropped[channel]++;
                return;
            }
            newestSequence[channel] = reader.id;
        }
        unreliableReceived[channel]++;
        receiver.onMessage(channel, reader.buf(), reader.dataOffset, reader.dataLength);
    }

    // ---- state and statistics ---------------------------------------------------------------------

    /** Whether the peer overflowed a reliable channel's receive window; the connection must then be dropped. */
    public boolean isOverflowed() {
        return overflowChannel >= 0;
    }

    /** The channel whose receive window the peer overflowed, or -1. */
    public int overflowChannel() {
        return overflowChannel;
    }

    /** Bytes of message data held now over all channels (never above {@link MessageConfig#maxBufferedBytes()}). */
    public long bufferedBytes() {
        long total = 0;
        for (int i = 0; i < sendChannels.length; i++) {
            total += bufferedBytes(i);
        }
        return total;
    }

    /** Bytes of message data channel {@code channel} holds now (never above {@link MessageConfig#maxBufferedBytes(int)}). */
    public long bufferedBytes(int channel) {
        long bytes = sendChannel(channel).heldBytes();
        return reliableReceivers[channel] == null ? bytes : bytes + reliableReceivers[channel].heldBytes();
    }

    /** Bytes of buffers allocated for channel {@code channel}'s message data (at most {@link MessageConfig#maxBufferedBytes(int)}). */
    long allocatedBytes(int channel) {
        long bytes = sendChannel(channel).allocatedBytes();
        return reliableReceivers[channel] == null ? bytes : bytes + reliableReceivers[channel].allocatedBytes();
    }

    /** Packets sent so far (their 16-bit sequences wrap after 65,536). */
    public long packetsSent() {
        return packetsSent;
    }

    /** The packet layer below, for its counters. */
    public ReliableEndpoint endpoint() {
        return endpoint;
    }

    /** A fresh picture of the connection's measurements and counters (allocates; not per message). */
    public ConnectionStats stats() {
        List<ChannelStats> channels = new ArrayList<>(sendChannels.length);
        for (int i = 0; i < sendChannels.length; i++) {
            SendChannel channel = sendChannels[i];
            long received = reliableReceivers[i] == null ? unreliableReceived[i] : reliableReceivers[i].messagesReceived;
            channels.add(new ChannelStats(channel.config.name(), channel.config.delivery(), channel.messagesSent, received,
                    channel.messagesDropped + sequencedDropped[i], channel.sendsRefused(), channel.messagesResent,
                    bufferedBytes(i)));
        }
        return new ConnectionStats(endpoint.rttMillis(), endpoint.packetLossPercent(), endpoint.sentBandwidthKbps(),
                endpoint.receivedBandwidthKbps(), endpoint.ackedBandwidthKbps(), packetsSent, packetsReceived,
                packetsInvalid, channels);
    }
}
