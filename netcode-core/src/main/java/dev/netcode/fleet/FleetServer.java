package dev.netcode.fleet;

/**
 * A live server as the directory sees it: its latest announcement and the slots reserved for
 * players who hold a token for it but have not connected yet.
 *
 * @param announcement the server's latest heartbeat
 * @param reservedSlots unexpired reservations of clients not connected to it
 */
public record FleetServer(ServerAnnouncement announcement, int reservedSlots) {

    public String serverId() {
        return announcement.serverId();
    }

    /** Slots neither connected nor reserved; never negative. */
    public int freeSlots() {
        return Math.max(0, announcement.maxClients() - announcement.connectedClients() - reservedSlots);
    }

    /** The share of the slots taken, connected or reserved: 0 (empty) to 1 (full). */
    public double load() {
        return 1.0 - (double) freeSlots() / announcement.maxClients();
    }
}
