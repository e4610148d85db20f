package dev.netcode.packet;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.Aead;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;

/**
 * Writes and reads netcode packets. One instance per thread: it owns an {@link Aead} and scratch
 * space, and allocates nothing per packet.
 *
 * <p>Encrypted packets (types 1..6) are {@code prefix ‖ sequence ‖ ciphertext ‖ tag}: the prefix
 * holds the type in its low nibble and the sequence byte count (1..8, minimal) in its high nibble;
 * the sequence goes least significant byte first; the body is sealed with ChaCha20-Poly1305 under
 * the nonce {@code 0000 ‖ sequence} and the associated data {@code version ‖ protocol id ‖ prefix}.
 * The connection request (type 0) is not encrypted as a packet; it carries the sealed private
 * connect token.
 */
public final class PacketCodec implements AutoCloseable {

    /** Smallest encrypted packet: prefix, one sequence byte, an empty body and the tag. */
    public static final int MIN_ENCRYPTED_BYTES = 1 + 1 + NetcodeProtocol.MAC_BYTES;
    public static final int CHALLENGE_BODY_BYTES = 8 + NetcodeProtocol.CHALLENGE_TOKEN_BYTES;
    public static final int KEEP_ALIVE_BODY_BYTES = 8;

    private static final int REQUEST_VERSION_OFFSET = 1;
    private static final int REQUEST_PROTOCOL_ID_OFFSET = 14;
    private static final int REQUEST_EXPIRE_OFFSET = 22;
    private static final int REQUEST_NONCE_OFFSET = 30;
    private static final int REQUEST_PRIVATE_OFFSET = 54;

    private static final int AD_PREFIX_OFFSET = NetcodeProtocol.VERSION_INFO_BYTES + 8;
    private static final int PACKET_AD_BYTES = AD_PREFIX_OFFSET + 1;

    private final Aead aead;
    private final byte[] packetAd = new byte[PACKET_AD_BYTES];
    private final byte[] tokenAd = new byte[ConnectTokenPrivate.ASSOCIATED_DATA_BYTES];
    private long protocolId;

    public PacketCodec(long protocolId) {
        this.aead = new Aead();
        NetcodeProtocol.writeVersionInfo(packetAd, 0);
        protocolId(protocolId);
    }

    /** Switches the protocol id (a client takes it from each connect token). */
    public void protocolId(long newProtocolId) {
        this.protocolId = newProtocolId;
        Bytes.writeU64(packetAd, NetcodeProtocol.VERSION_INFO_BYTES, newProtocolId);
    }

    public long protocolId() {
        return protocolId;
    }

    /** The AEAD this codec uses, for sealing challenge tokens on the same thread. */
    public Aead aead() {
        return aead;
    }

    /** Bytes the minimal encoding of {@code sequence} takes: 1..8 (zero still takes one). */
    public static int sequenceBytes(long sequence) {
        return Math.max(1, 8 - Long.numberOfLeadingZeros(sequence) / 8);
    }

    /** Where the body of an encrypted packet with this sequence starts. */
    public static int bodyOffset(long sequence) {
        return 1 + sequenceBytes(sequence);
    }

    // ---- writing -------------------------------------------------------------------------------

    /** Writes the 1078-byte connection request for {@code token} (protocol id from the token). */
    public int writeConnectionRequest(byte[] out, ConnectToken token) {
        out[0] = 0;
        NetcodeProtocol.writeVersionInfo(out, REQUEST_VERSION_OFFSET);
        Bytes.writeU64(out, REQUEST_PROTOCOL_ID_OFFSET, token.protocolId());
        Bytes.writeU64(out, REQUEST_EXPIRE_OFFSET, token.expireTimestamp());
        token.copyNonce(out, REQUEST_NONCE_OFFSET);
        token.copySealedPrivate(out, REQUEST_PRIVATE_OFFSET);
        return NetcodeProtocol.CONNECTION_REQUEST_BYTES;
    }

    public int writeDenied(byte[] out, long sequence, byte[] key) {
        return seal(out, PacketType.CONNECTION_DENIED, sequence, 0, key);
    }

    /** Writes a challenge; the 300-byte sealed challenge token is at {@code token[tokenOffset)}. */
    public int writeChallenge(byte[] out, long sequence, long challengeSequence, byte[] token, int tokenOffset,
            byte[] key) {
        return writeChallengeBody(out, PacketType.CONNECTION_CHALLENGE, sequence, challengeSequence, token, tokenOffset,
                key);
    }

    /** Writes a response echoing a challenge; the sealed challenge token is at {@code token[tokenOffset)}. */
    public int writeResponse(byte[] out, long sequence, long challengeSequence, byte[] token, int tokenOffset,
            byte[] key) {
        return writeChallengeBody(out, PacketType.CONNECTION_RESPONSE, sequence, challengeSequence, token, tokenOffset,
                key);
    }

    private int writeChallengeBody(byte[] out, PacketType type, long sequence, long challengeSequence, byte[] token,
            int tokenOffset, byte[] key) {
        int body = bodyOffset(sequence);
        Bytes.writeU64(out, body, challengeSequence);
        System.arraycopy(token, tokenOffset, out, body + 8, NetcodeProtocol.CHALLENGE_TOKEN_BYTES);
        return seal(out, type, sequence, CHALLENGE_BODY_BYTES, key);
    }

    public int writeKeepAlive(byte[] out, long sequence, int clientIndex, int maxClients, byte[] key) {
        int body = bodyOffset(sequence);
        Bytes.writeU32(out, body, clientIndex);
        Bytes.writeU32(out, body + 4, maxClients);
        return seal(out, PacketType.KEEP_ALIVE, sequence, KEEP_ALIVE_BODY_BYTES, key);
    }

    /**
     * Writes a payload packet.
     *
     * @throws IllegalArgumentException unless the payload is 1..1200 bytes
     */
    public int writePayload(byte[] out, long sequence, byte[] payload, int offset, int length, byte[] key) {
        checkPayloadLength(length);
        System.arraycopy(payload, offset, out, bodyOffset(sequence), length);
        return seal(out, PacketType.PAYLOAD, sequence, length, key);
    }

    public int writeDisconnect(byte[] out, long sequence, byte[] key) {
        return seal(out, PacketType.DISCONNECT, sequence, 0, key);
    }

    /** Rejects what the wire cannot carry: payloads of 0 or more than 1200 bytes. */
    public static void checkPayloadLength(int length) {
        if (length < 1 || length > NetcodeProtocol.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(
                    "a payload is 1 to " + NetcodeProtocol.MAX_PAYLOAD_BYTES + " bytes, got " + length);
        }
    }

    /** Prefix and sequence in front of a body already at {@link #bodyOffset}, then seal the body in place. */
    private int seal(byte[] out, PacketType type, long sequence, int bodyLength, byte[] key) {
        int n = sequenceBytes(sequence);
        byte prefix = (byte) (n << 4 | type.value());
        out[0] = prefix;
        for (int i = 0; i < n; i++) {
            out[1 + i] = (byte) (sequence >>> (8 * i));
        }
        packetAd[AD_PREFIX_OFFSET] = prefix;
        aead.encrypt(out, 1 + n, bodyLength, packetAd, PACKET_AD_BYTES, sequence, key);
        return 1 + n + bodyLength + NetcodeProtocol.MAC_BYTES;
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * Reads a connection request as a server does, in the reference order: exact length, version,
     * protocol id, expiry against {@code nowUnixSeconds}, the restart rule ({@code expire <
     * minExpireTimestamp} is refused; both unsigned), and only then the XChaCha20 decryption of the
     * private token, in place. Every check before the decryption is free of crypto.
     *
     * @return whether the request is acceptable; if not, {@link Packet#dropReason()} says why
     */
    public boolean readConnectionRequest(byte[] buf, int length, byte[] privateKey, long nowUnixSeconds,
            long minExpireTimestamp, Packet out) {
        if (length != NetcodeProtocol.CONNECTION_REQUEST_BYTES || buf[0] != 0) {
            return drop(out, DropReason.BAD_LENGTH);
        }
        if (!NetcodeProtocol.isVersionInfo(buf, REQUEST_VERSION_OFFSET)) {
            return drop(out, DropReason.BAD_VERSION);
        }
        if (Bytes.readU64(buf, REQUEST_PROTOCOL_ID_OFFSET) != protocolId) {
            return drop(out, DropReason.WRONG_PROTOCOL_ID);
        }
        long expire = Bytes.readU64(buf, REQUEST_EXPIRE_OFFSET);
        if (Long.compareUnsigned(expire, nowUnixSeconds) <= 0) {
            return drop(out, DropReason.TOKEN_EXPIRED);
        }
        if (Long.compareUnsigned(expire, minExpireTimestamp) < 0) {
            return drop(out, DropReason.TOKEN_PREDATES_START);
        }
        ConnectTokenPrivate.writeAssociatedData(tokenAd, protocolId, expire);
        if (!aead.decryptX(buf, REQUEST_PRIVATE_OFFSET, NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES, tokenAd,
                tokenAd.length, buf, REQUEST_NONCE_OFFSET, privateKey)) {
            return drop(out, DropReason.TOKEN_DECRYPT_FAILED);
        }
        out.type = PacketType.CONNECTION_REQUEST;
        out.sequence = 0;
        out.expireTimestamp = expire;
        out.privateTokenOffset = REQUEST_PRIVATE_OFFSET;
        out.bodyOffset = REQUEST_PRIVATE_OFFSET;
        out.bodyLength = ConnectTokenPrivate.SEALED_BYTES;
        return true;
    }

    /**
     * Reads an encrypted packet (types 1..6) in the reference order: length (18 to 1300 bytes), type, allowed
     * type, sequence byte count, length, replay check (keep-alive, payload and disconnect only, when
     * {@code replay} is given), decryption in place, replay window advance (only after successful
     * decryption), body length for the type.
     *
     * @param allowedTypes a mask such as {@link PacketType#SERVER_ALLOWED}
     * @param replay the connection's replay window, or {@code null} where there is none yet
     * @return whether the packet is acceptable; if not, {@link Packet#dropReason()} says why
     */
    public boolean readEncrypted(byte[] buf, int length, byte[] key, int allowedTypes, ReplayProtection replay,
            Packet out) {
        // No valid packet exceeds 1225 bytes; the upper bound also keeps oversized datagrams away from
        // the AEAD, which refuses regions beyond its scratch space with an exception.
        if (length < MIN_ENCRYPTED_BYTES || length > NetcodeProtocol.MAX_PACKET_BYTES) {
            return drop(out, DropReason.BAD_LENGTH);
        }
        int prefix = buf[0] & 0xFF;
        PacketType type = PacketType.of(prefix & 0x0F);
        if (type == null || type == PacketType.CONNECTION_REQUEST || !type.isIn(allowedTypes)) {
            return drop(out, DropReason.BAD_TYPE);
        }
        int n = prefix >>> 4;
        if (n < 1 || n > 8) {
            return drop(out, DropReason.BAD_SEQUENCE_BYTES);
        }
        if (length < 1 + n + NetcodeProtocol.MAC_BYTES) {
            return drop(out, DropReason.BAD_LENGTH);
        }
        long sequence = 0;
        for (int i = n - 1; i >= 0; i--) {
            sequence = sequence << 8 | (buf[1 + i] & 0xFF);
        }
        boolean windowed = replay != null
                && (type == PacketType.KEEP_ALIVE || type == PacketType.PAYLOAD || type == PacketType.DISCONNECT);
        if (windowed && replay.isAlreadyReceived(sequence)) {
            return drop(out, DropReason.REPLAYED);
        }
        packetAd[AD_PREFIX_OFFSET] = (byte) prefix;
        int bodyOffset = 1 + n;
        int sealedLength = length - bodyOffset;
        if (!aead.decrypt(buf, bodyOffset, sealedLength, packetAd, PACKET_AD_BYTES, sequence, key)) {
            return drop(out, DropReason.DECRYPT_FAILED);
        }
        if (windowed) {
            replay.advance(sequence);
        }
        int bodyLength = sealedLength - NetcodeProtocol.MAC_BYTES;
        if (!hasValidBodyLength(type, bodyLength)) {
            return drop(out, DropReason.BAD_BODY_LENGTH);
        }
        out.type = type;
        out.sequence = sequence;
        out.bodyOffset = bodyOffset;
        out.bodyLength = bodyLength;
        switch (type) {
            case KEEP_ALIVE -> {
                out.clientIndex = Bytes.readU32(buf, bodyOffset);
                out.maxClients = Bytes.readU32(buf, bodyOffset + 4);
            }
            case CONNECTION_CHALLENGE, CONNECTION_RESPONSE -> {
                out.challengeSequence = Bytes.readU64(buf, bodyOffset);
                out.challengeTokenOffset = bodyOffset + 8;
            }
            default -> {
            }
        }
        return true;
    }

    private static boolean hasValidBodyLength(PacketType type, int bodyLength) {
        return switch (type) {
            case CONNECTION_DENIED, DISCONNECT -> bodyLength == 0;
            case CONNECTION_CHALLENGE, CONNECTION_RESPONSE -> bodyLength == CHALLENGE_BODY_BYTES;
            case KEEP_ALIVE -> bodyLength == KEEP_ALIVE_BODY_BYTES;
            case PAYLOAD -> bodyLength >= 1 && bodyLength <= NetcodeProtocol.MAX_PAYLOAD_BYTES;
            case CONNECTION_REQUEST -> false;
        };
    }

    private static boolean drop(Packet out, DropReason reason) {
        out.dropReason = reason;
        return false;
    }

    @Override
    public void close() {
        aead.close();
    }
}
