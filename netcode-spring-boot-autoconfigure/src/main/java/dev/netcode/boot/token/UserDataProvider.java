package dev.netcode.boot.token;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;

/**
 * Supplies the up to 256 bytes of user data sealed into each connect token. The game server
 * receives them with the connection, authenticated by the shared private key, so they can carry
 * what the web backend knows about the player (a role, a match id, a cosmetic loadout) without a
 * second lookup. Clients cannot read or alter them. Declare one bean of this type to use it;
 * without one, tokens carry 256 zero bytes.
 *
 * <p>Returning more than 256 bytes is a programming error: the token endpoint then fails the
 * request with an {@link IllegalStateException} (500 Internal Server Error), and issues no token.
 */
@FunctionalInterface
public interface UserDataProvider {

    /** Maximum length of user data, fixed by the netcode 1.02 protocol. */
    int MAX_USER_DATA_BYTES = 256;

    /**
     * User data for a token about to be issued to {@code authentication}.
     *
     * @param clientId the client id the token carries, from the {@link ClientIdResolver}
     * @return at most 256 bytes (shorter data is zero-padded), or {@code null} for none
     */
    byte @Nullable [] userData(Authentication authentication, long clientId);
}
