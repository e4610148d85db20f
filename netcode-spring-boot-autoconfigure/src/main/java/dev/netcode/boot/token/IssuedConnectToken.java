package dev.netcode.boot.token;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.netcode.address.NetcodeAddress;

/**
 * A connect token as issued to a client: the 2048 bytes to hand over (over HTTPS only: they carry
 * the session keys) and what they say.
 *
 * @param token the 2048-byte connect token
 * @param expiresAt when servers stop accepting it
 * @param servers the servers it lists, in the order the client tries them
 * @param serverId in a fleet, the id of the server a slot is reserved on (listed first); else
 *        {@code null}
 */
public record IssuedConnectToken(byte[] token, long clientId, Instant expiresAt, List<NetcodeAddress> servers,
        @Nullable String serverId) {

    /** A token issued outside a fleet. */
    public IssuedConnectToken(byte[] token, long clientId, Instant expiresAt, List<NetcodeAddress> servers) {
        this(token, clientId, expiresAt, servers, null);
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    /** Never prints the token bytes. */
    @Override
    public String toString() {
        return "IssuedConnectToken[clientId=" + Long.toUnsignedString(clientId) + ", expiresAt=" + expiresAt
                + ", servers=" + servers + ((serverId != null) ? ", serverId=" + serverId : "") + "]";
    }
}
