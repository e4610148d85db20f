package dev.netcode.boot.fleet;

import java.util.Map;

/**
 * No server of the fleet that qualifies for a token request has a free slot: no token is issued.
 * The token endpoint answers 503 Service Unavailable with {@code Retry-After} set to
 * {@code netcode.fleet.retry-after} and a problem whose {@code reason} is {@code fleet-full}.
 */
public class NetcodeFleetFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> labels;

    /** @param labels the labels the request asked for (empty: any server) */
    public NetcodeFleetFullException(Map<String, String> labels) {
        super(labels.isEmpty() ? "No server of the fleet has a free slot"
                : "No server of the fleet with labels " + labels + " has a free slot");
        this.labels = Map.copyOf(labels);
    }

    /** The labels the refused request asked for; empty when it asked for any server. */
    public Map<String, String> getLabels() {
        return this.labels;
    }
}
