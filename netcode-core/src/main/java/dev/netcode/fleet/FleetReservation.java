package dev.netcode.fleet;

import java.time.Instant;
import java.util.List;

/**
 * A slot reserved for one player: the token lists {@code server} first, then the fallbacks.
 *
 * @param server the server the slot is reserved on
 * @param fallbacks more servers that had room when the reservation was made (nothing reserved on them)
 * @param clientId the player the slot is held for
 * @param expiresAt when the reservation lapses if the player has not connected
 */
public record FleetReservation(ServerAnnouncement server, List<ServerAnnouncement> fallbacks, long clientId,
        Instant expiresAt) {

    public FleetReservation {
        fallbacks = List.copyOf(fallbacks);
    }
}
