package dev.netcode.boot.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.NetcodeServer;

/**
 * {@link HealthIndicator} for a {@link NetcodeServer}: {@code UP} while it is running, with the
 * connected and maximum client counts and the bound address as details; {@code DOWN} when it is not
 * (not started yet, stopped, or its thread ended). Reads only non-blocking getters, so a busy server
 * never slows down a health check.
 */
public class NetcodeServerHealthIndicator extends AbstractHealthIndicator {

    private final NetcodeServer server;

    public NetcodeServerHealthIndicator(NetcodeServer server) {
        super("Netcode server health check failed");
        Assert.notNull(server, "'server' must not be null");
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        NetcodeAddress boundAddress = this.server.localAddress();
        if (!this.server.isRunning()) {
            builder.down().withDetail("running", false);
            return;
        }
        builder.up()
            .withDetail("connectedClients", this.server.connectedClientCount())
            .withDetail("maxClients", this.server.maxClients());
        if (boundAddress != null) {
            builder.withDetail("boundAddress", boundAddress.toString());
        }
    }

}
