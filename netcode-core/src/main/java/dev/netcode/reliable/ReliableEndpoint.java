package dev.netcode.reliable;

import java.util.Arrays;
import java.util.Objects;

/**
 * One side of a connection in the wire format of the C library {@code reliable} 1.0 (v1.4.0):
 * numbers packets with 16-bit wrapping sequences, acks the peer's packets in every header, splits
 * payloads above {@link ReliableConfig#fragmentAbove()} into fragments and reassembles the peer's,
 * and measures RTT, packet loss and bandwidth. It does not resend anything; layers above learn
 * from {@link #ackCount()}/{@link #ack(int)} which packets arrived.
 *
 * <p>Usage: {@link #sendPacket} hands one or more datagrams to the {@link Transmitter};
 * {@link #receivePacket} gives each datagram from the peer, and the {@link Processor} sees every
 * delivered payload; after it returns read the acks and {@link #clearAcks()}; call
 * {@link #update(double)} regularly with the current time in seconds.
 *
 * <p>Where it goes beyond the C library: a datagram of 0 bytes (which the C library asserts
 * against) counts as a received, invalid packet; a payload of 0 bytes may be sent (a header-only
 * packet, which the receiver delivers); an exception thrown by the {@link Processor} propagates
 * to the caller of {@link #receivePacket}, the packet then being neither recorded nor acked.
 * Everything else, including every counter and every emitted byte, is the C library's behaviour.
 *
 * <p>Memory: everything is allocated up front except the reassembly buffers, which are allocated
 * the first time their slot is used and reused after that, so the endpoint allocates nothing per
 * packet in steady state and a peer can make it allocate at most
 * {@code fragmentReassemblyBufferSize * (9 + maxFragments * fragmentSize)} bytes of them (with
 * {@link ReliableConfig#defaults()}: 64 * 16393 = 1,049,152 bytes). The rest is about
 * {@code max(maxPacketSize + 9, 14 + fragmentSize)} bytes of transmit buffer,
 * {@code 4 * ackBufferSize}, {@code 17 * sentPacketsBufferSize},
 * {@code 16 * receivedPacketsBufferSize} and {@code (24 + maxFragments) * fragmentReassemblyBufferSize}
 * bytes (about 30 KiB with the defaults), so at most about 1.1 MiB per endpoint with the defaults.
 *
 * <p>Single-threaded: every method must be called from the same thread (or under one lock).
 */
public final class ReliableEndpoint {

    /**
     * The bytes of a fragment header before its data: prefix {@code 0x01}, sequence (u16), fragment
     * id (u8), fragment count - 1 (u8); the C library's {@code RELIABLE_FRAGMENT_HEADER_BYTES}, the
     * same as {@link FragmentHeader#BYTES}.
     */
    public static final int FRAGMENT_HEADER_BYTES = FragmentHeader.BYTES;

    /** Receives each datagram the endpoint sends. */
    @FunctionalInterface
    public interface Transmitter {
        /** One datagram to send (a whole packet or one fragment); the buffer is only valid during the call. */
        void transmit(int sequence, byte[] datagram, int offset, int length);
    }

    /** Receives each packet the endpoint delivers. */
    @FunctionalInterface
    public interface Processor {
        /**
         * A delivered packet's payload (buffer valid only during the call). Return false to reject
         * it: it is then neither recorded nor acked. Must not call back into the endpoint.
         */
        boolean process(int sequence, byte[] payload, int offset, int length);
    }

    private static final int COUNTERS = ReliableCounter.values().length;

    private final ReliableConfig config;
    private final Transmitter transmitter;
    private final Processor processor;
    private final PacketHeader packetHeader = new PacketHeader();
    private final FragmentHeader fragmentHeader = new FragmentHeader();
    private final byte[] transmitBuffer;
    private final byte[] fragmentPacketHeader = new byte[PacketHeader.MAX_BYTES];
    private final long[] counters = new long[COUNTERS];

    private final int[] acks;
    private int ackCount;

    private final SequenceBuffer sentPackets;
    private final double[] sentTime;
    private final int[] sentBytes;
    private final boolean[] sentAcked;

    private final SequenceBuffer receivedPackets;
    private final double[] receivedTime;
    private final int[] receivedBytes;

    private final SequenceBuffer reassembly;
    private final byte[][] reassemblyData;
    private final boolean[][] reassemblyFragmentReceived;
    private final int[] reassemblyFragmentsReceived;
    private final int[] reassemblyFragmentCount;
    private final int[] reassemblyPacketBytes;
    private final int[] reassemblyHeaderBytes;

    private double time;
    private int sequence;
    // The statistics are floats, as in the C library, so that they round the same way.
    private float rtt;
    private float packetLoss;
    private float sentBandwidth;
    private float receivedBandwidth;
    private float ackedBandwidth;

    /**
     * An endpoint at {@code time} (seconds, the clock later given to {@link #update(double)}).
     */
    public ReliableEndpoint(ReliableConfig config, double time, Transmitter transmitter, Processor processor) {
        this.config = Objects.requireNonNull(config, "config");
        this.transmitter = Objects.requireNonNull(transmitter, "transmitter");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.time = time;
        transmitBuffer = new byte[Math.max(config.maxPacketSize() + PacketHeader.MAX_BYTES,
                FragmentHeader.BYTES + PacketHeader.MAX_BYTES + config.fragmentSize())];
        acks = new int[config.ackBufferSize()];
        sentPackets = new SequenceBuffer(config.sentPacketsBufferSize());
        sentTime = new double[config.sentPacketsBufferSize()];
        sentBytes = new int[config.sentPacketsBufferSize()];
        sentAcked = new boolean[config.sentPacketsBufferSize()];
        receivedPackets = new SequenceBuffer(config.receivedPacketsBufferSize());
        receivedTime = new double[config.receivedPacketsBufferSize()];
        receivedBytes = new int[config.receivedPacketsBufferSize()];
        int slots = config.fragmentReassemblyBufferSize();
        reassembly = new SequenceBuffer(slots);
        reassemblyData = new byte[slots][];
        reassemblyFragmentReceived = new boolean[slots][config.maxFragments()];
        reassemblyFragmentsReceived = new int[slots];
        reassemblyFragmentCount = new int[slots];
        reassemblyPacketBytes = new int[slots];
        reassemblyHeaderBytes = new int[slots];
    }

    /** The sequence the next {@link #sendPacket} will use, 0..65535. */
    public int nextPacketSequence() {
        return sequence;
    }

    /**
     * Sends one packet (fragmented above fragmentAbove). Returns false, sends nothing, uses no
     * sequence and counts PACKETS_TOO_LARGE_TO_SEND when length > maxPacketSize.
     *
     * @throws IndexOutOfBoundsException when {@code [offset, offset + length)} is not inside {@code payload}
     */
    public boolean sendPacket(byte[] payload, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (length > config.maxPacketSize()) {
            counters[ReliableCounter.PACKETS_TOO_LARGE_TO_SEND.ordinal()]++;
            return false;
        }
        int packetSequence = sequence;
        sequence = (sequence + 1) & 0xFFFF;
        int ack = receivedPackets.ack();
        int ackBits = receivedPackets.ackBits();
        int slot = sentPackets.insert(packetSequence);
        sentTime[slot] = time;
        sentBytes[slot] = config.packetHeaderSize() + length;
        sentAcked[slot] = false;
        if (length <= config.fragmentAbove()) {
            int headerBytes = PacketHeader.write(transmitBuffer, 0, packetSequence, ack, ackBits);
            System.arraycopy(payload, offset, transmitBuffer, headerBytes, length);
            transmitter.transmit(packetSequence, transmitBuffer, 0, headerBytes + length);
        }
        else {
            int headerBytes = PacketHeader.write(fragmentPacketHeader, 0, packetSequence, ack, ackBits);
            int fragmentSize = config.fragmentSize();
            int fragmentCount = (length + fragmentSize - 1) / fragmentSize;
            int position = offset;
            int end = offset + length;
            for (int fragmentId = 0; fragmentId < fragmentCount; fragmentId++) {
                int at = FragmentHeader.write(transmitBuffer, 0, packetSequence, fragmentId, fragmentCount);
                if (fragmentId == 0) {
                    System.arraycopy(fragmentPacketHeader, 0, transmitBuffer, at, headerBytes);
                    at += headerBytes;
                }
                int bytes = Math.min(fragmentSize, end - position);
                System.arraycopy(payload, position, transmitBuffer, at, bytes);
                position += bytes;
                transmitter.transmit(packetSequence, transmitBuffer, 0, at + bytes);
                counters[ReliableCounter.FRAGMENTS_SENT.ordinal()]++;
            }
        }
        counters[ReliableCounter.PACKETS_SENT.ordinal()]++;
        return true;
    }

    /**
     * Never throws for any bytes; bad input is dropped and counted as the C library counts it.
     *
     * @throws IndexOutOfBoundsException when {@code [offset, offset + length)} is not inside {@code datagram}
     */
    public void receivePacket(byte[] datagram, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, datagram.length);
        receive(datagram, offset, length);
    }

    private void receive(byte[] datagram, int offset, int length) {
        if (length > config.maxPacketSize() + PacketHeader.MAX_BYTES + FragmentHeader.BYTES) {
            counters[ReliableCounter.PACKETS_TOO_LARGE_TO_RECEIVE.ordinal()]++;
            return;
        }
        if (length == 0 || (datagram[offset] & 1) == 0) {
            receiveRegular(datagram, offset, length);
        }
        else {
            receiveFragment(datagram, offset, length);
        }
    }

    private void receiveRegular(byte[] datagram, int offset, int length) {
        counters[ReliableCounter.PACKETS_RECEIVED.ordinal()]++;
        int headerBytes = packetHeader.read(datagram, offset, length);
        if (headerBytes < 0) {
            counters[ReliableCounter.PACKETS_INVALID.ordinal()]++;
            return;
        }
        int payloadBytes = length - headerBytes;
        if (payloadBytes > config.maxPacketSize()) {
            counters[ReliableCounter.PACKETS_TOO_LARGE_TO_RECEIVE.ordinal()]++;
            return;
        }
        int packetSequence = packetHeader.sequence();
        if (!receivedPackets.canInsert(packetSequence)) {
            counters[ReliableCounter.PACKETS_STALE.ordinal()]++;
            return;
        }
        if (receivedPackets.exists(packetSequence)) {
            counters[ReliableCounter.PACKETS_DUPLICATE.ordinal()]++;
            return;
        }
        // Read before the processor runs: it may not call back into the endpoint, but the holder is ours.
        int ack = packetHeader.ack();
        int ackBits = packetHeader.ackBits();
        if (!processor.process(packetSequence, datagram, offset + headerBytes, payloadBytes)) {
            return;
        }
        int slot = receivedPackets.insert(packetSequence);
        reassembly.advance(packetSequence);
        receivedTime[slot] = time;
        receivedBytes[slot] = config.packetHeaderSize() + length;
        for (int i = 0; i < 32; i++) {
            if ((ackBits & (1 << i)) != 0) {
                acknowledge((ack - i) & 0xFFFF);
            }
        }
    }

    private void acknowledge(int ackSequence) {
        int slot = sentPackets.find(ackSequence);
        if (slot < 0 || sentAcked[slot] || ackCount == acks.length) {
            // An ack that does not fit in a full ack buffer is dropped and the packet stays unacked, as in the C library.
            return;
        }
        acks[ackCount++] = ackSequence;
        counters[ReliableCounter.PACKETS_ACKED.ordinal()]++;
        sentAcked[slot] = true;
        float sample = (float) (time - sentTime[slot]) * 1000.0f;
        if ((rtt == 0.0f && sample > 0.0f) || Math.abs(rtt - sample) < 0.00001) {
            rtt = sample;
        }
        else {
            rtt += (sample - rtt) * (float) config.rttSmoothingFactor();
        }
    }

    private void receiveFragment(byte[] datagram, int offset, int length) {
        if (fragmentHeader.read(datagram, offset, length, config.maxFragments(), config.fragmentSize()) < 0) {
            counters[ReliableCounter.FRAGMENTS_INVALID.ordinal()]++;
            return;
        }
        int packetSequence = fragmentHeader.sequence();
        if (receivedPackets.exists(packetSequence)) {
            return;
        }
        int fragmentCount = fragmentHeader.fragmentCount();
        int slot = reassembly.find(packetSequence);
        if (slot < 0) {
            slot = reassembly.insertAdvancingFirst(packetSequence);
            if (slot < 0) {
                counters[ReliableCounter.FRAGMENTS_INVALID.ordinal()]++;
                return;
            }
            // The C library moves the received window forward as soon as a packet's first fragment arrives.
            receivedPackets.advance(packetSequence);
            if (reassemblyData[slot] == null) {
                reassemblyData[slot] = new byte[PacketHeader.MAX_BYTES + config.maxFragments() * config.fragmentSize()];
            }
            reassemblyFragmentsReceived[slot] = 0;
            reassemblyFragmentCount[slot] = fragmentCount;
            reassemblyPacketBytes[slot] = 0;
            reassemblyHeaderBytes[slot] = 0;
            Arrays.fill(reassemblyFragmentReceived[slot], false);
        }
        if (fragmentCount != reassemblyFragmentCount[slot]) {
            counters[ReliableCounter.FRAGMENTS_INVALID.ordinal()]++;
            return;
        }
        int fragmentId = fragmentHeader.fragmentId();
        if (reassemblyFragmentReceived[slot][fragmentId]) {
            return;
        }
        reassemblyFragmentReceived[slot][fragmentId] = true;
        boolean complete = ++reassemblyFragmentsReceived[slot] == fragmentCount;
        byte[] data = reassemblyData[slot];
        int fragmentSize = config.fragmentSize();
        if (fragmentId == 0) {
            // The header is rebuilt canonically just before the data, so header and payload are contiguous.
            int headerBytes = PacketHeader.write(fragmentPacketHeader, 0, packetSequence, fragmentHeader.ack(),
                    fragmentHeader.ackBits());
            System.arraycopy(fragmentPacketHeader, 0, data, PacketHeader.MAX_BYTES - headerBytes, headerBytes);
            reassemblyHeaderBytes[slot] = headerBytes;
        }
        int dataBytes = fragmentHeader.dataBytes();
        if (fragmentId == fragmentCount - 1) {
            reassemblyPacketBytes[slot] = (fragmentCount - 1) * fragmentSize + dataBytes;
        }
        System.arraycopy(datagram, offset + fragmentHeader.dataOffset(), data,
                PacketHeader.MAX_BYTES + fragmentId * fragmentSize, dataBytes);
        if (!complete) {
            counters[ReliableCounter.FRAGMENTS_RECEIVED.ordinal()]++;
            return;
        }
        int headerBytes = reassemblyHeaderBytes[slot];
        try {
            // The whole packet takes the regular path, which counts it as received once more.
            receive(data, PacketHeader.MAX_BYTES - headerBytes, headerBytes + reassemblyPacketBytes[slot]);
        }
        finally {
            reassembly.remove(packetSequence);
            counters[ReliableCounter.FRAGMENTS_RECEIVED.ordinal()]++;
        }
    }

    /**
     * Advances the clock (seconds) without recomputing the statistics. The clock times every send
     * and ack (RTT); {@link #update(double)} also walks the whole packet history for loss and
     * bandwidth, so a caller that must time each packet exactly but wants statistics only every
     * so often calls this before each send and receive and {@link #update(double)} at its own pace.
     */
    public void setTime(double time) {
        this.time = time;
    }

    /** Advances the clock (seconds) and recomputes packet loss and bandwidth, as {@code reliable_endpoint_update} does. */
    public void update(double time) {
        this.time = time;
        updatePacketLoss();
        sentBandwidth = smoothedBandwidth(sentBandwidth, sentPackets, sentTime, sentBytes, null);
        receivedBandwidth = smoothedBandwidth(receivedBandwidth, receivedPackets, receivedTime, receivedBytes, null);
        ackedBandwidth = smoothedBandwidth(ackedBandwidth, sentPackets, sentTime, sentBytes, sentAcked);
    }

    // Like the C library, the samples are the older half of each window: sequences next - size
    // up to next - size / 2 - 1.
    private void updatePacketLoss() {
        int size = sentPackets.size();
        int base = sentPackets.next() - size;
        int sent = 0;
        int dropped = 0;
        for (int i = 0; i < size / 2; i++) {
            int slot = sentPackets.find((base + i) & 0xFFFF);
            if (slot >= 0) {
                sent++;
                if (!sentAcked[slot]) {
                    dropped++;
                }
            }
        }
        if (sent == 0) {
            packetLoss = 0.0f;
            return;
        }
        float sample = (float) dropped / (float) sent * 100.0f;
        packetLoss = smooth(packetLoss, sample, (float) config.packetLossSmoothingFactor());
    }

    private float smoothedBandwidth(float current, SequenceBuffer window, double[] times, int[] bytes, boolean[] onlyAcked) {
        int size = window.size();
        int base = window.next() - size;
        long total = 0;
        double start = Float.MAX_VALUE;
        double finish = 0.0;
        for (int i = 0; i < size / 2; i++) {
            int slot = window.find((base + i) & 0xFFFF);
            if (slot < 0 || (onlyAcked != null && !onlyAcked[slot])) {
                continue;
            }
            total += bytes[slot];
            start = Math.min(start, times[slot]);
            finish = Math.max(finish, times[slot]);
        }
        if (start == Float.MAX_VALUE || finish <= start) {
            return current;
        }
        float sample = (float) ((double) total / (finish - start) * 8.0f / 1000.0f);
        return smooth(current, sample, (float) config.bandwidthSmoothingFactor());
    }

    private static float smooth(float current, float sample, float factor) {
        return Math.abs(current - sample) > 0.00001 ? current + (sample - current) * factor : sample;
    }

    /** How many sequences of our packets were newly acked since {@link #clearAcks()} (at most {@link ReliableConfig#ackBufferSize()}). */
    public int ackCount() {
        return ackCount;
    }

    /**
     * The {@code index}-th newly acked sequence, in the C library's order: packet by packet as
     * they were received, each from its ack downwards.
     *
     * @throws IndexOutOfBoundsException when {@code index} is not below {@link #ackCount()}
     */
    public int ack(int index) {
        Objects.checkIndex(index, ackCount);
        return acks[index];
    }

    /** Forgets the acks listed so far. */
    public void clearAcks() {
        ackCount = 0;
    }

    /** The current value of {@code counter}. */
    public long counter(ReliableCounter counter) {
        return counters[counter.ordinal()];
    }

    /** The smoothed round-trip time in milliseconds, like {@code reliable_endpoint_rtt}; 0 before the first ack. */
    public double rttMillis() {
        return rtt;
    }

    /**
     * The smoothed percentage of our packets not acked, like {@code reliable_endpoint_packet_loss}:
     * computed by {@link #update(double)} over the older half of the sent-packets window.
     */
    public double packetLossPercent() {
        return packetLoss;
    }

    /** The smoothed bandwidth we sent (payload plus {@link ReliableConfig#packetHeaderSize()} per packet), in kbit/s. */
    public double sentBandwidthKbps() {
        return sentBandwidth;
    }

    /** The smoothed bandwidth we received (datagram plus {@link ReliableConfig#packetHeaderSize()} per packet), in kbit/s. */
    public double receivedBandwidthKbps() {
        return receivedBandwidth;
    }

    /** The smoothed bandwidth of our packets the peer acked, in kbit/s. */
    public double ackedBandwidthKbps() {
        return ackedBandwidth;
    }

    /**
     * Back to the state of a new endpoint, as {@code reliable_endpoint_reset}: sequence 0, no acks,
     * counters zero, every window and reassembly empty. Like the C library it keeps the smoothed
     * RTT, packet loss and bandwidths and the clock (the reassembly buffers are kept for reuse).
     */
    public void reset() {
        ackCount = 0;
        sequence = 0;
        Arrays.fill(acks, 0);
        Arrays.fill(counters, 0);
        sentPackets.reset();
        receivedPackets.reset();
        reassembly.reset();
    }
}
