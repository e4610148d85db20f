package dev.netcode.reliable;

/**
 * The statistics a {@link ReliableEndpoint} counts, in the order of the C library's
 * {@code RELIABLE_ENDPOINT_COUNTER_*} constants, with the same meaning.
 */
public enum ReliableCounter {
    /** Packets sent (a fragmented packet counts once). */
    PACKETS_SENT,
    /** Regular-shaped datagrams examined, including invalid, stale and duplicate ones, plus one per completed reassembly. */
    PACKETS_RECEIVED,
    /** Our packets newly acked by the peer. */
    PACKETS_ACKED,
    /** Regular packets dropped because they are older than the received-packets window. */
    PACKETS_STALE,
    /** Regular packets dropped because their header is malformed. */
    PACKETS_INVALID,
    /** Payloads not sent because they are longer than {@link ReliableConfig#maxPacketSize()}. */
    PACKETS_TOO_LARGE_TO_SEND,
    /** Datagrams or reassembled packets dropped because they are too long. */
    PACKETS_TOO_LARGE_TO_RECEIVE,
    /** Fragment datagrams sent. */
    FRAGMENTS_SENT,
    /** Fragments accepted into a reassembly. */
    FRAGMENTS_RECEIVED,
    /** Fragment datagrams dropped because they are malformed, inconsistent or outside the reassembly window. */
    FRAGMENTS_INVALID,
    /** Regular packets dropped because that sequence was already received. */
    PACKETS_DUPLICATE
}
