package dev.netcode.boot.fleet;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;

import dev.netcode.fleet.FleetRequest;

/**
 * Shapes the {@link FleetRequest} of each token request before a slot is reserved: asks for
 * labels (a region, a game mode, a build) from the HTTP request or the player's profile, or changes
 * the policy or the number of fallback servers. Every bean of this type is applied, in
 * {@link org.springframework.core.annotation.Order @Order}, each to the previous one's result;
 * the starter's {@link RegionParameterFleetRequestCustomizer} (order 0) comes first. For example,
 * from the player's profile:
 *
 * <pre class="code">
 * &#64;Bean
 * FleetRequestCustomizer gameModeFromProfile(PlayerRepository players) {
 *     return (request, http, authentication) -&gt; request.withLabel("mode",
 *             players.findByName(authentication.getName()).preferredMode());
 * }
 * </pre>
 *
 * <p>The player's client id, the protocol id and the expiry are the issuer's: changes to them are
 * ignored.
 */
@FunctionalInterface
public interface FleetRequestCustomizer {

    /**
     * @param request the request so far: any server of the game, with the configured policy and
     *        fallback servers, and what the customizers before this one asked for
     * @param httpRequest the token request
     * @param authentication the authenticated player
     * @return the request to go on with
     */
    FleetRequest customize(FleetRequest request, HttpServletRequest httpRequest, Authentication authentication);
}
