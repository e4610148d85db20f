package dev.netcode.boot.token;

import java.time.Instant;
import java.util.List;

import dev.netcode.address.NetcodeAddress;

/**
 * A connect token as issued to a client: the 2048 bytes to hand over (over HTTPS only: they carry
 * the session keys) and what they say.
 *
 * @param token the 2048-byte connect token
 * @param expiresAt when servers stop accepting it
 * @param servers the servers it lists, in the order the client tries them
 */
public record IssuedConnectToken(byte[] token, long clientId, Instant expiresAt, List<NetcodeAddress> servers) {

    @Override
    public byte[] token() {
        return token.clone();
    }

    /** Never prints the token bytes. */
    @Override
    public String toString() {
        return "IssuedConnectToken[clientId=" + Long.toUnsignedString(clientId) + ", expiresAt=" + expiresAt
                + ", servers=" + servers + "]";
    }
}
