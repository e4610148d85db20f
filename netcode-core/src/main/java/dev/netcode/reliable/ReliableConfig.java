package dev.netcode.reliable;

/**
 * The settings of a {@link ReliableEndpoint}, the equivalents of the C library {@code reliable}'s
 * {@code reliable_config_t}; {@link #defaults()} equals its {@code reliable_default_config()}.
 *
 * @param maxPacketSize the largest payload {@link ReliableEndpoint#sendPacket} sends and a
 *        receiver accepts, in bytes
 * @param fragmentAbove payloads longer than this are sent as fragments (a payload of exactly this
 *        length is not)
 * @param maxFragments the most fragments one packet may have, 1..256
 * @param fragmentSize the data bytes every fragment but the last carries
 * @param ackBufferSize the most acks {@link ReliableEndpoint#ackCount()} holds between two
 *        {@link ReliableEndpoint#clearAcks()} calls (further acks are not listed)
 * @param sentPacketsBufferSize how many of our recent packets are remembered for acks and RTT; a
 *        power of two dividing 65536
 * @param receivedPacketsBufferSize how many of the peer's recent packets are remembered for
 *        ack_bits and duplicate detection; a power of two dividing 65536, at least 32
 * @param fragmentReassemblyBufferSize how many packets can be reassembled at once; a power of
 *        two dividing 65536
 * @param rttSmoothingFactor the weight of a new RTT sample in the smoothed RTT, (0, 1]
 * @param rttHistorySize kept for the C library's config shape; the smoothed RTT does not use it
 * @param packetLossSmoothingFactor the weight of a new loss sample, (0, 1]
 * @param bandwidthSmoothingFactor the weight of a new bandwidth sample, (0, 1]
 * @param packetHeaderSize the bytes added to each datagram below this layer (IP, UDP, netcode),
 *        counted in the bandwidth statistics only
 */
public record ReliableConfig(int maxPacketSize, int fragmentAbove, int maxFragments, int fragmentSize,
        int ackBufferSize, int sentPacketsBufferSize, int receivedPacketsBufferSize,
        int fragmentReassemblyBufferSize, double rttSmoothingFactor, int rttHistorySize,
        double packetLossSmoothingFactor, double bandwidthSmoothingFactor, int packetHeaderSize) {

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the field that is out of range and its range
     */
    public ReliableConfig {
        requirePositive("maxPacketSize", maxPacketSize);
        requirePositive("fragmentAbove", fragmentAbove);
        if (maxFragments < 1 || maxFragments > 256) {
            throw new IllegalArgumentException("maxFragments must be 1..256 (the fragment count is one byte), was " + maxFragments);
        }
        requirePositive("fragmentSize", fragmentSize);
        if ((long) maxFragments * fragmentSize < maxPacketSize && maxPacketSize > fragmentAbove) {
            throw new IllegalArgumentException("maxFragments * fragmentSize must be at least maxPacketSize ("
                    + maxPacketSize + ") so that every packet can be fragmented, was " + (long) maxFragments * fragmentSize);
        }
        requirePositive("ackBufferSize", ackBufferSize);
        requirePowerOfTwo("sentPacketsBufferSize", sentPacketsBufferSize);
        requirePowerOfTwo("receivedPacketsBufferSize", receivedPacketsBufferSize);
        if (receivedPacketsBufferSize < 32) {
            throw new IllegalArgumentException("receivedPacketsBufferSize must be at least 32 (the ack_bits window), was "
                    + receivedPacketsBufferSize);
        }
        requirePowerOfTwo("fragmentReassemblyBufferSize", fragmentReassemblyBufferSize);
        requireFactor("rttSmoothingFactor", rttSmoothingFactor);
        requirePositive("rttHistorySize", rttHistorySize);
        requireFactor("packetLossSmoothingFactor", packetLossSmoothingFactor);
        requireFactor("bandwidthSmoothingFactor", bandwidthSmoothingFactor);
        if (packetHeaderSize < 0) {
            throw new IllegalArgumentException("packetHeaderSize must be >= 0, was " + packetHeaderSize);
        }
    }

    /** The C library's {@code reliable_default_config()}: 16384, 1024, 16, 1024, 256, 256, 256, 64, 0.0025, 512, 0.1, 0.1, 28. */
    public static ReliableConfig defaults() {
        return new ReliableConfig(16 * 1024, 1024, 16, 1024, 256, 256, 256, 64, 0.0025, 512, 0.1, 0.1, 28);
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, was " + value);
        }
    }

    private static void requirePowerOfTwo(String field, int value) {
        if (value < 1 || value > 65536 || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(field
                    + " must be a power of two from 1 to 65536 (so that slots stay consistent across the 16-bit sequence wrap), was " + value);
        }
    }

    private static void requireFactor(String field, double value) {
        if (!(value > 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(field + " must be in (0, 1], was " + value);
        }
    }
}
