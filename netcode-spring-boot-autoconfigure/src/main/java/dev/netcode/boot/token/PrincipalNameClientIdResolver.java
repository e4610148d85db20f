package dev.netcode.boot.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.springframework.security.core.Authentication;

/**
 * The default {@link ClientIdResolver}: derives the client id from the principal's name alone, so
 * the same player always gets the same id, on every instance and after restarts, without any
 * storage.
 *
 * <p>Derivation: the first 8 bytes, read big-endian as an unsigned 64-bit number, of the SHA-256
 * digest of the UTF-8 encoding of {@link Authentication#getName()}. For example {@code "alice"}
 * has the digest {@code 2bd806c97f0e00af...}, so its client id is {@code 0x2bd806c97f0e00af}
 * (3159282601090220207). Names are case-sensitive, as Spring Security compares them.
 *
 * <p>Distinct names collide with probability about n²/2⁶⁵ for n players (about one in 37 million
 * for a million players). The id is derived, not secret: anyone who knows a player's name can
 * compute it, which does no harm because only the connect token authorises a connection. Use
 * another {@link ClientIdResolver} when ids must come from your own user store.
 */
public final class PrincipalNameClientIdResolver implements ClientIdResolver {

    @Override
    public long resolve(Authentication authentication) {
        return clientIdOf(authentication.getName());
    }

    /**
     * The client id for a principal name, as documented on this class.
     */
    public static long clientIdOf(String principalName) {
        byte[] digest = sha256().digest(principalName.getBytes(StandardCharsets.UTF_8));
        long id = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            id = (id << 8) | (digest[i] & 0xFF);
        }
        return id;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
