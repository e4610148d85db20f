package dev.netcode.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.ServerConfig;

/**
 * What a game server tells the directory on every heartbeat. The ids of its connected clients are
 * part of it so that a directory can turn their reservations on this server into live connections
 * in the same step, never counting a player not at all.
 *
 * @param serverId the server's id in the fleet, unique and stable for its lifetime (1 to 64
 *        characters: letters, digits, '-', '_', '.' and ':')
 * @param protocolId the netcode protocol id it serves; issuers only pick servers of theirs
 * @param publicAddresses the addresses tokens list for it, in order (1 to 32, what a token can hold)
 * @param maxClients its slots (at most {@link ServerConfig#MAX_CLIENTS_LIMIT})
 * @param connectedClientIds the client ids connected now (at most {@code maxClients})
 * @param labels free-form labels issuers filter on, for example {@code region=eu} (at most 16, keys
 *        and values up to 64 characters)
 * @param startedAt when the server started
 */
public record ServerAnnouncement(String serverId, long protocolId, List<NetcodeAddress> publicAddresses,
        int maxClients, Set<Long> connectedClientIds, Map<String, String> labels, Instant startedAt) {

    /** The label that {@link FleetRequest#region} filters on. */
    public static final String REGION_LABEL = "region";

    public static final int MAX_ID_LENGTH = 64;
    public static final int MAX_LABELS = 16;
    public static final int MAX_LABEL_LENGTH = 64;

    /** @throws IllegalArgumentException naming the field that is out of range */
    public ServerAnnouncement {
        Objects.requireNonNull(serverId, "serverId");
        if (serverId.isEmpty() || serverId.length() > MAX_ID_LENGTH || !serverId.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("serverId must be 1 to " + MAX_ID_LENGTH
                    + " letters, digits, '.', '_', ':' or '-', got '" + serverId + "'");
        }
        publicAddresses = List.copyOf(publicAddresses);
        if (publicAddresses.isEmpty() || publicAddresses.size() > NetcodeProtocol.MAX_SERVERS_PER_CONNECT) {
            throw new IllegalArgumentException("publicAddresses must hold 1 to " + NetcodeProtocol.MAX_SERVERS_PER_CONNECT
                    + " addresses (what a connect token can list), got " + publicAddresses.size());
        }
        if (maxClients < 1 || maxClients > ServerConfig.MAX_CLIENTS_LIMIT) {
            throw new IllegalArgumentException("maxClients must be 1.." + ServerConfig.MAX_CLIENTS_LIMIT + ", got "
                    + maxClients);
        }
        connectedClientIds = Set.copyOf(connectedClientIds);
        if (connectedClientIds.size() > maxClients) {
            throw new IllegalArgumentException("connectedClientIds holds " + connectedClientIds.size()
                    + " clients, more than maxClients (" + maxClients + ")");
        }
        labels = Map.copyOf(labels);
        if (labels.size() > MAX_LABELS) {
            throw new IllegalArgumentException("at most " + MAX_LABELS + " labels, got " + labels.size());
        }
        labels.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_LABEL_LENGTH || value.length() > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("label keys must be 1 to " + MAX_LABEL_LENGTH
                        + " characters and values at most " + MAX_LABEL_LENGTH + ", got '" + key + "'");
            }
        });
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Slots taken by connected clients. */
    public int connectedClients() {
        return connectedClientIds.size();
    }
}
