package dev.netcode.token;

import java.util.Arrays;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.Aead;

/**
 * What a server hands a client in its challenge and expects back in the response: the client id
 * and user data, sealed with the server's per-start challenge key so the server keeps no state
 * for half-open handshakes. Plaintext: client id (u64) at 0, user data (256) at 8, zeros to 300;
 * bytes 0..283 are sealed with ChaCha20-Poly1305 (no associated data), the tag takes 284..299.
 *
 * <p>Clients echo the sealed token without reading it, so the 20 bytes after the user data
 * ({@link #RESERVED_OFFSET}, zero in the reference) are the server's own: ours binds the token to
 * one handshake there (see {@code dev.netcode.server.HandshakeBinding}).
 */
public final class ChallengeToken {

    public static final int SEALED_BYTES = NetcodeProtocol.CHALLENGE_TOKEN_BYTES - NetcodeProtocol.MAC_BYTES;
    /** Where the sealed bytes after client id and user data start. */
    public static final int RESERVED_OFFSET = 8 + NetcodeProtocol.USER_DATA_BYTES;
    /** Sealed bytes after client id and user data: zero in the reference, the server's to use. */
    public static final int RESERVED_BYTES = SEALED_BYTES - RESERVED_OFFSET;
    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    private final long clientId;
    private final byte[] userData;

    public ChallengeToken(long clientId, byte[] userData) {
        this.clientId = clientId;
        this.userData = ConnectTokenPrivate.padUserData(userData);
    }

    /** Writes the plaintext into {@code buf[offset, offset + 300)}. */
    public static void write(byte[] buf, int offset, long clientId, byte[] userData256) {
        Arrays.fill(buf, offset, offset + NetcodeProtocol.CHALLENGE_TOKEN_BYTES, (byte) 0);
        Bytes.writeU64(buf, offset, clientId);
        System.arraycopy(userData256, 0, buf, offset + 8, NetcodeProtocol.USER_DATA_BYTES);
    }

    public void write(byte[] buf, int offset) {
        write(buf, offset, clientId, userData);
    }

    /** Reads a decrypted challenge token. */
    public static ChallengeToken read(byte[] buf, int offset) {
        return new ChallengeToken(Bytes.readU64(buf, offset),
                Arrays.copyOfRange(buf, offset + 8, offset + 8 + NetcodeProtocol.USER_DATA_BYTES));
    }

    /** Seals the 300-byte plaintext at {@code buf[offset)} in place. */
    public static void encrypt(Aead aead, byte[] buf, int offset, long challengeSequence, byte[] challengeKey) {
        aead.encrypt(buf, offset, SEALED_BYTES, NO_ASSOCIATED_DATA, 0, challengeSequence, challengeKey);
    }

    /** Opens a sealed challenge token at {@code buf[offset)} in place; false if it does not authenticate. */
    public static boolean decrypt(Aead aead, byte[] buf, int offset, long challengeSequence, byte[] challengeKey) {
        return aead.decrypt(buf, offset, NetcodeProtocol.CHALLENGE_TOKEN_BYTES, NO_ASSOCIATED_DATA, 0,
                challengeSequence, challengeKey);
    }

    public long clientId() {
        return clientId;
    }

    public byte[] userData() {
        return userData.clone();
    }
}
