package dev.netcode.fleet;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.netcode.NetcodeProtocol;

/**
 * One player's request for a slot, shaped by the issuer (from the HTTP request, the user's
 * profile, ...).
 *
 * @param protocolId only servers of this protocol id qualify
 * @param clientId the player's client id, which the reservation is held under
 * @param expiresAt when the token being minted expires: the reservation lasts until then unless the
 *        player connects first
 * @param labels every one must be on a server for it to qualify (empty: any server)
 * @param policy the order servers with room are tried in
 * @param fallbackServers how many more servers with room to return after the reserved one, for the
 *        token's fallback list (not reserved)
 */
public record FleetRequest(long protocolId, long clientId, Instant expiresAt, Map<String, String> labels,
        SelectionPolicy policy, int fallbackServers) {

    public FleetRequest {
        Objects.requireNonNull(expiresAt, "expiresAt");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(policy, "policy");
        if (fallbackServers < 0 || fallbackServers > NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1) {
            throw new IllegalArgumentException("fallbackServers must be 0.." + (NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1)
                    + ", got " + fallbackServers);
        }
    }

    /** A request for any server of {@code protocolId}, packed, with two fallbacks. */
    public static FleetRequest of(long protocolId, long clientId, Instant expiresAt) {
        return new FleetRequest(protocolId, clientId, expiresAt, Map.of(), SelectionPolicy.PACK, 2);
    }

    /** The same request, only for servers labelled {@code region=}{@code region}. */
    public FleetRequest region(String region) {
        return withLabel(ServerAnnouncement.REGION_LABEL, region);
    }

    public FleetRequest withLabel(String key, String value) {
        Map<String, String> more = new HashMap<>(labels);
        more.put(key, value);
        return new FleetRequest(protocolId, clientId, expiresAt, more, policy, fallbackServers);
    }

    public FleetRequest withPolicy(SelectionPolicy newPolicy) {
        return new FleetRequest(protocolId, clientId, expiresAt, labels, newPolicy, fallbackServers);
    }

    public FleetRequest withFallbackServers(int count) {
        return new FleetRequest(protocolId, clientId, expiresAt, labels, policy, count);
    }

    /** Whether {@code server} qualifies by protocol id and labels (room aside). */
    public boolean matches(FleetServer server) {
        return server.protocolId() == protocolId && server.labels().entrySet().containsAll(labels.entrySet());
    }
}
