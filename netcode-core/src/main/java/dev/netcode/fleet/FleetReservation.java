package dev.netcode.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;

/**
 * A slot reserved for one player: the token lists {@code server} first, then the fallbacks.
 *
 * @param server the server the slot is reserved on
 * @param fallbacks more servers that had room when the reservation was made (nothing reserved on them)
 * @param clientId the player the slot is held for
 * @param expiresAt when the reservation lapses if the player has not connected
 */
public record FleetReservation(FleetServer server, List<FleetServer> fallbacks, long clientId, Instant expiresAt) {

    public FleetReservation {
        fallbacks = List.copyOf(fallbacks);
    }

    /**
     * The addresses a token for this reservation lists, in the order a client tries them: the
     * reserved server's, then each fallback's; each address once, at most
     * {@link NetcodeProtocol#MAX_SERVERS_PER_CONNECT}.
     */
    public List<NetcodeAddress> tokenAddresses() {
        Set<NetcodeAddress> addresses = new LinkedHashSet<>(server.publicAddresses());
        for (FleetServer fallback : fallbacks) {
            addresses.addAll(fallback.publicAddresses());
        }
        List<NetcodeAddress> ordered = new ArrayList<>(addresses);
        return List.copyOf(ordered.subList(0, Math.min(ordered.size(), NetcodeProtocol.MAX_SERVERS_PER_CONNECT)));
    }
}
