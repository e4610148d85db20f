package dev.netcode.boot.token;

import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

import dev.netcode.address.NetcodeAddress;

/**
 * The JSON body of the token endpoint:
 *
 * <pre class="code">
 * {
 *   "token": "TkVUQ09ERSAxLjAy...",          // standard base64 (with padding) of the 2048 bytes
 *   "clientId": "3159282601090220207",        // unsigned decimal, as a string
 *   "expiresAt": "2026-01-01T12:00:30Z",      // ISO-8601 UTC instant
 *   "servers": ["203.0.113.7:40000"]          // in the order the client tries them
 * }
 * </pre>
 *
 * <p>{@code clientId} is a string because client ids use all 64 bits, and JSON numbers beyond
 * 2<sup>53</sup> lose precision in JavaScript; it is the unsigned decimal form
 * ({@link Long#toUnsignedString(long)}), so ids whose top bit is set never appear negative.
 * {@code expiresAt} is preformatted too, so the wire format does not depend on the application's
 * Jackson date settings. Servers are {@code a.b.c.d:port} or {@code [v6]:port}.
 *
 * @param token the 2048-byte connect token, base64-encoded
 * @param clientId the client id inside the token, unsigned decimal
 * @param expiresAt when servers stop accepting the token, ISO-8601
 * @param servers the servers the token lists
 */
public record ConnectTokenResponse(String token, String clientId, String expiresAt, List<String> servers) {

    /**
     * The response describing {@code issued}.
     */
    public static ConnectTokenResponse of(IssuedConnectToken issued) {
        return new ConnectTokenResponse(Base64.getEncoder().encodeToString(issued.token()),
                Long.toUnsignedString(issued.clientId()), DateTimeFormatter.ISO_INSTANT.format(issued.expiresAt()),
                issued.servers().stream().map(NetcodeAddress::toString).toList());
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "ConnectTokenResponse[clientId=" + clientId + ", expiresAt=" + expiresAt + ", servers=" + servers + "]";
    }
}
