package dev.netcode.server;

import dev.netcode.Bytes;
import dev.netcode.token.ChallengeToken;

/**
 * What ties a challenge token to the one handshake it was issued for, written into the token's
 * reserved bytes before it is sealed and checked when a connection response brings it back.
 *
 * <p>The reference seals only the client id and user data, so any challenge token that decrypts
 * is accepted from anyone, with any session keys, for the whole run of the server: one challenge
 * fetched at a real address completes a handshake from a spoofed one (the server then streams
 * keep-alives to a victim that never spoke), and one challenge taken from a player connects as
 * that player long after the player's token expired. The binding names the encryption mapping
 * and token-history entry of the request that was challenged, the token's expiry and the start of
 * its tag; a response counts only from the address that mapping belongs to, while that entry is
 * still pending for the same token and the token has not expired. Clients echo the bytes
 * unread, so nothing changes on the wire.
 *
 * <p>Layout, from {@link ChallengeToken#RESERVED_OFFSET}: token-history index (u16), mapping index
 * (u16), token expiry (u64, Unix seconds), the first {@link #TAG_PREFIX_BYTES} bytes of the connect
 * token's tag. All of it is inside the sealed part, so only this server can write it.
 */
final class HandshakeBinding {

    static final int TAG_PREFIX_BYTES = 8;

    private static final int HISTORY_INDEX = ChallengeToken.RESERVED_OFFSET;
    private static final int MAPPING_INDEX = HISTORY_INDEX + 2;
    private static final int EXPIRE_TIMESTAMP = MAPPING_INDEX + 2;
    private static final int TAG_PREFIX = EXPIRE_TIMESTAMP + 8;

    static {
        if (TAG_PREFIX + TAG_PREFIX_BYTES > ChallengeToken.RESERVED_OFFSET + ChallengeToken.RESERVED_BYTES) {
            throw new AssertionError("the handshake binding does not fit in the challenge token");
        }
    }

    private HandshakeBinding() {
    }

    /** Writes the binding into the plaintext challenge token at {@code token[offset)}. */
    static void write(byte[] token, int offset, int historyIndex, int mappingIndex, long expireTimestamp,
            byte[] tag, int tagOffset) {
        Bytes.writeU16(token, offset + HISTORY_INDEX, historyIndex);
        Bytes.writeU16(token, offset + MAPPING_INDEX, mappingIndex);
        Bytes.writeU64(token, offset + EXPIRE_TIMESTAMP, expireTimestamp);
        System.arraycopy(tag, tagOffset, token, offset + TAG_PREFIX, TAG_PREFIX_BYTES);
    }

    static int historyIndex(byte[] token, int offset) {
        return Bytes.readU16(token, offset + HISTORY_INDEX);
    }

    static int mappingIndex(byte[] token, int offset) {
        return Bytes.readU16(token, offset + MAPPING_INDEX);
    }

    static long expireTimestamp(byte[] token, int offset) {
        return Bytes.readU64(token, offset + EXPIRE_TIMESTAMP);
    }

    /** Where the tag prefix is in the decrypted token at {@code token[offset)}. */
    static int tagPrefixOffset(int offset) {
        return offset + TAG_PREFIX;
    }
}
