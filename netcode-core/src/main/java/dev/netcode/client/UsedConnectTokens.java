package dev.netcode.client;

import java.util.Arrays;

import dev.netcode.NetcodeProtocol;
import dev.netcode.token.ConnectToken;

/**
 * The connect tokens a client has used, so that it never starts a second session under keys it
 * already encrypted with: its sequence, the nonce, would start again at 0.
 *
 * <p>A token is known by the authentication tag that ends its sealed private part: unique per token
 * (it covers the token's nonce, keys and client id), not secret (every connection request carries
 * it), and unlike the nonce it cannot collide between two issuers that number their nonces.
 *
 * <p>Only the last {@link #CAPACITY} tokens are kept, in one preallocated ring. That is enough
 * because tokens live seconds (30 s by default) and each one costs the issuer a request: to reuse a
 * token the ring forgot, a client would have had to use 64 newer ones, more than two a second,
 * before that token expired. After expiry, servers refuse it anyway.
 */
final class UsedConnectTokens {

    static final int CAPACITY = 64;

    private static final int TAG_BYTES = NetcodeProtocol.MAC_BYTES;
    private static final int TAG_OFFSET = NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES - TAG_BYTES;

    private final byte[] tags = new byte[CAPACITY * TAG_BYTES];
    private int size;
    private int next;

    /** Copies {@code token}'s tag into {@code out} (16 bytes). */
    static void tagOf(ConnectToken token, byte[] out) {
        System.arraycopy(token.sealedPrivate(), TAG_OFFSET, out, 0, TAG_BYTES);
    }

    /** Whether a token with this tag was {@link #add added} and not yet forgotten. */
    boolean contains(byte[] tag) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(tags, i * TAG_BYTES, (i + 1) * TAG_BYTES, tag, 0, TAG_BYTES)) {
                return true;
            }
        }
        return false;
    }

    /** Remembers a tag, forgetting the oldest one when the ring is full. */
    void add(byte[] tag) {
        System.arraycopy(tag, 0, tags, next * TAG_BYTES, TAG_BYTES);
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }
}
