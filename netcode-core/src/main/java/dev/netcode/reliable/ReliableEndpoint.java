package dev.netcode.reliable;

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
 * <p>Single-threaded; allocates nothing per packet in steady state.
 */
public final class ReliableEndpoint {

    /** The bytes of a fragment header before its data: prefix {@code 0x01}, sequence (u16), fragment id (u8), fragment count - 1 (u8). */
    public static final int FRAGMENT_HEADER_BYTES = 5;

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

    private final ReliableConfig config;
    private final Transmitter transmitter;
    private final Processor processor;

    /**
     * An endpoint at {@code time} (seconds, the clock later given to {@link #update(double)}).
     */
    public ReliableEndpoint(ReliableConfig config, double time, Transmitter transmitter, Processor processor) {
        this.config = Objects.requireNonNull(config, "config");
        this.transmitter = Objects.requireNonNull(transmitter, "transmitter");
        this.processor = Objects.requireNonNull(processor, "processor");
    }

    /** The sequence the next {@link #sendPacket} will use, 0..65535. */
    public int nextPacketSequence() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Sends one packet (fragmented above fragmentAbove). Returns false, sends nothing, uses no
     * sequence and counts PACKETS_TOO_LARGE_TO_SEND when length > maxPacketSize.
     */
    public boolean sendPacket(byte[] payload, int offset, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Never throws for any bytes; bad input is dropped and counted as the C library counts it. */
    public void receivePacket(byte[] datagram, int offset, int length) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Advances the clock (seconds) and recomputes packet loss and bandwidth. */
    public void update(double time) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** How many sequences of our packets were newly acked since {@link #clearAcks()}. */
    public int ackCount() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The {@code index}-th newly acked sequence, in the C library's order (per received packet, from its ack downwards). */
    public int ack(int index) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Forgets the acks listed so far. */
    public void clearAcks() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The current value of {@code counter}. */
    public long counter(ReliableCounter counter) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The smoothed round-trip time in milliseconds, like {@code reliable_endpoint_rtt}. */
    public double rttMillis() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The smoothed percentage of our recent packets not acked, like {@code reliable_endpoint_packet_loss}. */
    public double packetLossPercent() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The smoothed bandwidth we sent, in kbit/s. */
    public double sentBandwidthKbps() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The smoothed bandwidth we received, in kbit/s. */
    public double receivedBandwidthKbps() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The smoothed bandwidth of our packets the peer acked, in kbit/s. */
    public double ackedBandwidthKbps() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Back to the state of a new endpoint: sequences, buffers, acks, counters and statistics. */
    public void reset() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
