package dev.netcode.boot.fleet;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.netcode.boot.server.NetcodeServerLifecycle;
import dev.netcode.fleet.DirectoryStatistics;
import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;

/**
 * The fleet as this application sees it: its {@link ServerDirectory} and, when it runs a game
 * server, how that server is listed. What the actuator endpoint, the health indicator and the
 * meters show; none of it holds configuration, so no secret (a Redis password) can appear.
 */
public class NetcodeFleet {

    private static final String REDIS_DIRECTORY = "dev.netcode.fleet.redis.RedisServerDirectory";

    private final ServerDirectory directory;

    private final @Nullable NetcodeServerLifecycle server;

    /**
     * @param directory the directory this application announces to and reserves from
     * @param server the lifecycle of this application's game server when it is listed in the fleet,
     *        or {@code null} on a token issuer without one
     */
    public NetcodeFleet(ServerDirectory directory, @Nullable NetcodeServerLifecycle server) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.server = (server != null && server.fleetListing() != null) ? server : null;
    }

    public ServerDirectory directory() {
        return this.directory;
    }

    /**
     * {@code in-memory} or {@code redis} for the starter's directories, else the class name of the
     * application's own.
     */
    public String directoryKind() {
        if (this.directory instanceof InMemoryServerDirectory) {
            return "in-memory";
        }
        String type = this.directory.getClass().getName();
        return type.equals(REDIS_DIRECTORY) ? "redis" : type;
    }

    /** The id this application's game server is listed under, or {@code null} without one. */
    public @Nullable String serverId() {
        return (this.server != null) ? this.server.fleetListing().serverId() : null;
    }

    /**
     * Whether this application's game server runs and its last heartbeat reached the directory;
     * {@code false} without a game server.
     */
    public boolean isListed() {
        FleetAnnouncer announcer = (this.server != null) ? this.server.fleetAnnouncer() : null;
        return announcer != null && announcer.isListed();
    }

    /**
     * The live servers, asked of the directory now.
     *
     * @throws ServerDirectoryUnavailableException when a shared directory cannot be reached
     */
    public List<FleetServer> servers() {
        return this.directory.servers();
    }

    /** What this application's directory instance has done; never blocks on the directory. */
    public DirectoryStatistics statistics() {
        return this.directory.statistics();
    }
}
