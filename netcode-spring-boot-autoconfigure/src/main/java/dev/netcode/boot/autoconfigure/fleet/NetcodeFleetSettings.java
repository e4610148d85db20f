package dev.netcode.boot.autoconfigure.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.fleet.ServerAnnouncement;

/**
 * Turns {@code netcode.fleet.*} into the values of the directory and the game server's listing,
 * failing start-up with a message that names the property and what it must be.
 */
final class NetcodeFleetSettings {

    /** Room left in a server id for the '-' and the random suffix. */
    private static final int GENERATED_ID_SUFFIX_LENGTH = 9;

    private NetcodeFleetSettings() {
    }

    /** {@code netcode.fleet.time-to-live}: positive, in whole milliseconds as Redis keeps it. */
    static Duration timeToLive(NetcodeProperties properties) {
        Duration ttl = properties.getFleet().getTimeToLive();
        if (ttl == null || ttl.toMillis() < 1) {
            throw new InvalidNetcodePropertyException("netcode.fleet.time-to-live", String.valueOf(ttl),
                    "a server would drop out of the fleet as soon as it is announced",
                    "a duration of at least 1ms, for example 3s");
        }
        return ttl;
    }

    /**
     * {@code netcode.fleet.heartbeat-interval}: positive and at most a third of the time to live,
     * so that a server survives two lost heartbeats.
     */
    static Duration heartbeatInterval(NetcodeProperties properties) {
        Duration ttl = timeToLive(properties);
        Duration interval = properties.getFleet().getHeartbeatInterval();
        Duration longest = ttl.dividedBy(3);
        if (interval == null || interval.toMillis() < 1 || interval.compareTo(longest) > 0) {
            throw new InvalidNetcodePropertyException("netcode.fleet.heartbeat-interval", String.valueOf(interval),
                    (interval == null || interval.toMillis() < 1) ? "the server would announce itself without pause"
                            : "it is longer than a third of netcode.fleet.time-to-live (" + ttl.toMillis()
                                    + "ms), so one late or lost heartbeat would drop a healthy server from the fleet",
                    "a duration from 1ms to " + longest.toMillis() + "ms (a third of netcode.fleet.time-to-live), "
                            + "or raise netcode.fleet.time-to-live to at least three heartbeats");
        }
        return interval;
    }

    /**
     * {@code netcode.fleet.server-id}, or {@code <spring.application.name or netcode>-<8 hex>}
     * (the name kept to the characters and length an id may have).
     */
    static String serverId(NetcodeProperties properties, Environment environment) {
        String configured = properties.getFleet().getServerId();
        if (configured != null) {
            try {
                announcement(configured, Map.of());
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidNetcodePropertyException("netcode.fleet.server-id", configured,
                        "it cannot name a server in the fleet",
                        "1 to " + ServerAnnouncement.MAX_ID_LENGTH + " letters, digits, '.', '_', ':' or '-', "
                                + "unique in the fleet, or remove it to have one generated");
            }
            return configured;
        }
        String name = environment.getProperty("spring.application.name", "netcode").replaceAll("[^A-Za-z0-9._:-]", "-");
        int room = ServerAnnouncement.MAX_ID_LENGTH - GENERATED_ID_SUFFIX_LENGTH;
        if (name.isEmpty()) {
            name = "netcode";
        }
        else if (name.length() > room) {
            name = name.substring(0, room);
        }
        return name + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** {@code netcode.fleet.labels} with {@code netcode.fleet.region} as label {@code region}. */
    static Map<String, String> labels(NetcodeProperties properties) {
        NetcodeProperties.Fleet fleet = properties.getFleet();
        Map<String, String> labels = new LinkedHashMap<>(fleet.getLabels());
        if (fleet.getRegion() != null) {
            if (!StringUtils.hasText(fleet.getRegion())) {
                throw new InvalidNetcodePropertyException("netcode.fleet.region", fleet.getRegion(),
                        "a blank region matches no token request that asks for one",
                        "the region's name, for example eu, or remove it");
            }
            if (labels.containsKey(ServerAnnouncement.REGION_LABEL)) {
                throw new InvalidNetcodePropertyException("netcode.fleet.labels.region",
                        labels.get(ServerAnnouncement.REGION_LABEL), "netcode.fleet.region sets the same label",
                        "nothing: remove it and keep netcode.fleet.region (" + fleet.getRegion() + ")");
            }
            labels.put(ServerAnnouncement.REGION_LABEL, fleet.getRegion());
        }
        try {
            announcement("netcode", labels);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidNetcodePropertyException("netcode.fleet.labels", labels.toString(), ex.getMessage(),
                    "at most " + ServerAnnouncement.MAX_LABELS + " labels, netcode.fleet.region included, with keys "
                            + "of 1 to " + ServerAnnouncement.MAX_LABEL_LENGTH + " characters and values of at most "
                            + ServerAnnouncement.MAX_LABEL_LENGTH);
        }
        return labels;
    }

    /** {@code netcode.fleet.redis.key-prefix}: not blank. */
    static String redisKeyPrefix(NetcodeProperties properties) {
        String prefix = properties.getFleet().getRedis().getKeyPrefix();
        if (!StringUtils.hasText(prefix)) {
            throw new InvalidNetcodePropertyException("netcode.fleet.redis.key-prefix", String.valueOf(prefix),
                    "the directory's keys would mix with the application's own",
                    "a prefix with one hash tag, for example netcode:{fleet}:");
        }
        return prefix;
    }

    /** Checks an id and labels the way every heartbeat will, before the first. */
    private static void announcement(String serverId, Map<String, String> labels) {
        new ServerAnnouncement(serverId, 0, List.of(NetcodeAddress.parse("127.0.0.1:1")), 1, Set.of(), labels,
                Instant.EPOCH);
    }
}
