package dev.netcode.boot.metrics;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectoryUnavailableException;

/**
 * {@link MeterBinder} for the fleet as this application sees it. Function counters
 * {@code netcode.fleet.reservations} ({@code result=made|refused|unavailable}, this application's
 * token requests), {@code netcode.fleet.reservations.expired} and
 * {@code netcode.fleet.malformed.entries} (what its directory found); gauges
 * {@code netcode.fleet.servers} and {@code netcode.fleet.free.slots}, asked of the directory at
 * each read (NaN while it cannot be reached). No meter is tagged per server, so the number of
 * series stays fixed however large the fleet.
 */
public class NetcodeFleetMetrics implements MeterBinder {

    private final NetcodeFleet fleet;

    private final @Nullable ConnectTokenIssuer issuer;

    private final Iterable<Tag> tags;

    /**
     * @param fleet the fleet to observe
     * @param issuer the issuer whose reservations are counted, or {@code null} for none
     */
    public NetcodeFleetMetrics(NetcodeFleet fleet, @Nullable ConnectTokenIssuer issuer) {
        this(fleet, issuer, null);
    }

    /**
     * @param fleet the fleet to observe
     * @param issuer the issuer whose reservations are counted, or {@code null} for none
     * @param tags tags to add to every meter, or {@code null}
     */
    public NetcodeFleetMetrics(NetcodeFleet fleet, @Nullable ConnectTokenIssuer issuer, @Nullable Iterable<Tag> tags) {
        Assert.notNull(fleet, "'fleet' must not be null");
        this.fleet = fleet;
        this.issuer = issuer;
        this.tags = (tags != null) ? tags : List.of();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (this.issuer != null) {
            reservations(registry, "made", ConnectTokenIssuer::reservationsMade);
            reservations(registry, "refused", ConnectTokenIssuer::reservationsRefused);
            reservations(registry, "unavailable", ConnectTokenIssuer::reservationsUnavailable);
        }
        FunctionCounter.builder("netcode.fleet.reservations.expired", this.fleet,
                (fleet) -> fleet.statistics().reservationsExpired())
            .description("Reservations this application's directory found lapsed (the player never connected, "
                    + "or the server dropped out) and released")
            .baseUnit("reservations")
            .tags(this.tags)
            .register(registry);
        FunctionCounter.builder("netcode.fleet.malformed.entries", this.fleet,
                (fleet) -> fleet.statistics().malformedEntries())
            .description("Directory entries ignored because they do not read as a server")
            .baseUnit("entries")
            .tags(this.tags)
            .register(registry);
        Gauge.builder("netcode.fleet.servers", this.fleet, servers(List::size))
            .description("Live servers in the fleet")
            .baseUnit("servers")
            .tags(this.tags)
            .register(registry);
        Gauge.builder("netcode.fleet.free.slots", this.fleet,
                servers((servers) -> servers.stream().mapToInt(FleetServer::freeSlots).sum()))
            .description("Slots of the fleet's live servers neither connected nor reserved")
            .baseUnit("slots")
            .tags(this.tags)
            .register(registry);
    }

    private void reservations(MeterRegistry registry, String result, ToDoubleFunction<ConnectTokenIssuer> count) {
        FunctionCounter.builder("netcode.fleet.reservations", this.issuer, count)
            .description("Token requests by how their slot reservation went")
            .baseUnit("reservations")
            .tags(Tags.concat(this.tags, "result", result))
            .register(registry);
    }

    /** A gauge's value from the live servers; NaN (no sample) while the directory cannot be reached. */
    private static ToDoubleFunction<NetcodeFleet> servers(ToDoubleFunction<List<FleetServer>> value) {
        return (fleet) -> {
            try {
                return value.applyAsDouble(fleet.servers());
            }
            catch (ServerDirectoryUnavailableException ex) {
                return Double.NaN;
            }
        };
    }

}
