package dev.netcode.boot.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.server.NetcodeServer;

/**
 * How this application's game server is listed in the fleet while it runs: the directory, its id
 * and labels, and the heartbeat. {@link dev.netcode.boot.server.NetcodeServerLifecycle} starts an
 * announcer from it right after the server binds and closes it (withdrawing the server) right
 * before the server stops.
 *
 * @param directory where the server is announced
 * @param serverId its id in the fleet
 * @param labels its labels, {@code region} among them when configured
 * @param heartbeatInterval time between announcements
 */
public record FleetListing(ServerDirectory directory, String serverId, Map<String, String> labels,
        Duration heartbeatInterval) {

    public FleetListing {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(serverId, "serverId");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    }

    /**
     * A new announcer for {@code server}, not started yet. A closed announcer stays closed, so each
     * start of the server takes a new one.
     */
    public FleetAnnouncer announcerFor(NetcodeServer server) {
        return FleetAnnouncer.forServer(this.directory, server, this.serverId, this.labels, this.heartbeatInterval);
    }
}
