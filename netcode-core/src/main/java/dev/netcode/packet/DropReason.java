package dev.netcode.packet;

/**
 * Why a received datagram was dropped. Servers and clients count drops by reason; none of them
 * is ever reported to the sender.
 */
public enum DropReason {

    /** Shorter than any valid packet of its kind, or not exactly 1078 bytes for a request. */
    BAD_LENGTH,
    /** The packet type nibble is 7..15, or the type is not one this side accepts. */
    BAD_TYPE,
    /** The sequence byte count in the prefix is outside 1..8. */
    BAD_SEQUENCE_BYTES,
    /** A request with a version string other than "NETCODE 1.02". */
    BAD_VERSION,
    /** A request for another protocol id. */
    WRONG_PROTOCOL_ID,
    /** A request whose token expired by the server's wall clock. */
    TOKEN_EXPIRED,
    /** A request whose token was issued before this server started (the restart rule). */
    TOKEN_PREDATES_START,
    /** A request whose private token does not authenticate with the server's key. */
    TOKEN_DECRYPT_FAILED,
    /** A private token that decrypted but is malformed (address count or type). */
    TOKEN_INVALID,
    /** A token that does not list this server's address. */
    SERVER_ADDRESS_NOT_IN_TOKEN,
    /** A request or response from an address that is already connected. */
    ADDRESS_ALREADY_CONNECTED,
    /** A request or response for a client id that is already connected. */
    CLIENT_ID_ALREADY_CONNECTED,
    /** A token already consumed, or pending for another address. */
    TOKEN_ALREADY_USED,
    /** The connect-token history has no free entry. */
    TOKEN_HISTORY_FULL,
    /** The encryption-mapping table has no free entry. */
    ENCRYPTION_MAPPING_FULL,
    /** An encrypted packet from an address the receiver has no key for. */
    NO_KEY,
    /** A sequence already received or older than the replay window. */
    REPLAYED,
    /** Authentication failed: forged, corrupted, or sealed with another key. */
    DECRYPT_FAILED,
    /** A body of the wrong length for its type. */
    BAD_BODY_LENGTH,
    /** A response whose challenge token does not authenticate. */
    CHALLENGE_TOKEN_INVALID,
    /**
     * A response whose challenge token was issued for another handshake: another address or
     * session keys, or a token that has since been used, superseded or replaced (our hardening; the
     * reference accepts any challenge token it can decrypt).
     */
    CHALLENGE_TOKEN_MISMATCH,
    /** A response whose challenge token belongs to a connect token that has expired since (our hardening). */
    CHALLENGE_TOKEN_EXPIRED,
    /**
     * A request for a new handshake from a host (IPv4 address or IPv6 /64) that already has
     * {@code ServerConfig.MAX_PENDING_PER_IP} handshakes in progress.
     */
    TOO_MANY_PENDING_FROM_HOST,
    /** A valid packet that is not expected in the current state (e.g. from an address that is not connected). */
    UNEXPECTED,
    /** A client packet from an address other than the server it is talking to. */
    WRONG_SOURCE,
    /** The server is not running. */
    NOT_RUNNING,
    /** Processing failed unexpectedly (a bug, logged with its stack trace); the datagram was dropped. */
    INTERNAL_ERROR;

    private static final DropReason[] VALUES = values();

    static DropReason of(int ordinal) {
        return VALUES[ordinal];
    }
}
