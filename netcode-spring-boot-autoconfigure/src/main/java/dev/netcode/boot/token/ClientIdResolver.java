package dev.netcode.boot.token;

import org.springframework.security.core.Authentication;

/**
 * Maps an authenticated principal to the 64-bit netcode client id written into its connect
 * tokens. A game server identifies a connected player by this id, so it must be stable for a
 * given player and distinct between players. Declare a bean of this type to replace the default,
 * {@link PrincipalNameClientIdResolver}; for example to use a database key:
 *
 * <pre class="code">
 * &#64;Bean
 * ClientIdResolver clientIdResolver(PlayerRepository players) {
 *     return (authentication) -&gt; players.findByName(authentication.getName()).id();
 * }
 * </pre>
 *
 * <p>The id is an unsigned 64-bit number on the wire; Java's signed {@code long} carries all 64
 * bits, so negative values are fine.
 */
@FunctionalInterface
public interface ClientIdResolver {

    /**
     * The client id for {@code authentication}, an authenticated (never anonymous) principal.
     */
    long resolve(Authentication authentication);
}
