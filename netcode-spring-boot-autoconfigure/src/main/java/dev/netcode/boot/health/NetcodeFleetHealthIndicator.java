package dev.netcode.boot.health;

import java.util.List;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectoryUnavailableException;

/**
 * {@link HealthIndicator} for the fleet's directory: {@code UP} while it answers, with the
 * directory kind, the live servers and their free slots, and this application's server id and
 * whether it is listed; {@code DOWN} when a shared directory cannot be reached, saying so: tokens
 * are refused then, while game servers keep serving their players.
 */
public class NetcodeFleetHealthIndicator extends AbstractHealthIndicator {

    private final NetcodeFleet fleet;

    public NetcodeFleetHealthIndicator(NetcodeFleet fleet) {
        super("Netcode fleet health check failed");
        Assert.notNull(fleet, "'fleet' must not be null");
        this.fleet = fleet;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("directory", this.fleet.directoryKind());
        String serverId = this.fleet.serverId();
        if (serverId != null) {
            builder.withDetail("serverId", serverId).withDetail("listed", this.fleet.isListed());
        }
        List<FleetServer> servers;
        try {
            servers = this.fleet.servers();
        }
        catch (ServerDirectoryUnavailableException ex) {
            builder.down()
                .withDetail("error", "The fleet's directory cannot be reached, so no connect token can be issued "
                        + "(game servers keep serving their players): " + ex.getMessage());
            return;
        }
        builder.up()
            .withDetail("servers", servers.size())
            .withDetail("freeSlots", servers.stream().mapToInt(FleetServer::freeSlots).sum());
    }

}
