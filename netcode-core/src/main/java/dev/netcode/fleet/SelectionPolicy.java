package dev.netcode.fleet;

import java.util.Comparator;

/** In which order an issuer tries the servers that have room. */
public enum SelectionPolicy {

    /** The fullest server that still has room first: players gather on fewer machines. */
    PACK(Comparator.comparingInt(FleetServer::freeSlots).thenComparing(FleetServer::serverId)),

    /** The least loaded server first (by the share of its slots taken): players spread evenly. */
    SPREAD(Comparator.comparingDouble(FleetServer::load).thenComparing(FleetServer::serverId));

    private final Comparator<FleetServer> order;

    SelectionPolicy(Comparator<FleetServer> order) {
        this.order = order;
    }

    /** Orders candidate servers, the one to try first first; ties by server id, so every issuer agrees. */
    public Comparator<FleetServer> order() {
        return order;
    }
}
