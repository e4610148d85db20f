package dev.netcode.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.netcode.address.NetcodeAddress;

/**
 * A live server as a directory sees it: what it last announced, with its connected clients as a
 * count, and the slots reserved for players who hold a token for it but have not connected yet.
 *
 * @param serverId its id in the fleet
 * @param protocolId the netcode protocol id it serves
 * @param publicAddresses the addresses a token lists for it, in order
 * @param maxClients its slots
 * @param connectedClients clients connected at its last announcement
 * @param reservedSlots unexpired reservations of clients not connected to it
 * @param labels its labels, for example {@code region=eu}
 * @param startedAt when it started
 */
public record FleetServer(String serverId, long protocolId, List<NetcodeAddress> publicAddresses, int maxClients,
        int connectedClients, int reservedSlots, Map<String, String> labels, Instant startedAt) {

    public FleetServer {
        publicAddresses = List.copyOf(publicAddresses);
        labels = Map.copyOf(labels);
    }

    /** {@code announcement} with {@code reservedSlots} reservations held on it. */
    public static FleetServer of(ServerAnnouncement announcement, int reservedSlots) {
        return new FleetServer(announcement.serverId(), announcement.protocolId(), announcement.publicAddresses(),
                announcement.maxClients(), announcement.connectedClients(), reservedSlots, announcement.labels(),
                announcement.startedAt());
    }

    /** Slots neither connected nor reserved; never negative. */
    public int freeSlots() {
        return Math.max(0, maxClients - connectedClients - reservedSlots);
    }

    /** The share of the slots taken, connected or reserved: 0 (empty) to 1 (full). */
    public double load() {
        return 1.0 - (double) freeSlots() / maxClients;
    }
}
