package dev.netcode.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ServerDirectory} for one process: several servers and issuers in the same JVM (the demo,
 * tests). Every method runs under one lock, so {@link #reserve} is atomic. Time comes from the
 * given clock, so tests drive the time to live and reservation expiry explicitly.
 *
 * <p>Each client holds at most one reservation in the whole fleet: asking again while it lasts
 * returns the same server (its expiry extended to the later token's), so a player who fetches
 * several tokens takes one slot, not several.
 */
public final class InMemoryServerDirectory implements ServerDirectory {

    /** How long a server stays listed after its last announcement, unless told otherwise. */
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofSeconds(3);

    private record Listing(ServerAnnouncement announcement, Instant lastSeen) {
    }

    private record Held(String serverId, Instant expiresAt) {
    }

    private final InstantSource clock;
    private final Duration timeToLive;
    private final Map<String, Listing> listings = new HashMap<>();
    private final Map<Long, Held> reservations = new HashMap<>();
    private long reservationsMade;
    private long reservationsRefused;
    private long reservationsExpired;

    /** On the system clock, with {@link #DEFAULT_TIME_TO_LIVE}. */
    public InMemoryServerDirectory() {
        this(InstantSource.system(), DEFAULT_TIME_TO_LIVE);
    }

    /** @throws IllegalArgumentException if {@code timeToLive} is not positive */
    public InMemoryServerDirectory(InstantSource clock, Duration timeToLive) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, got " + timeToLive);
        }
        this.timeToLive = timeToLive;
    }

    @Override
    public synchronized void announce(ServerAnnouncement server) {
        listings.put(server.serverId(), new Listing(server, clock.instant()));
        for (Long clientId : server.connectedClientIds()) {
            reservations.computeIfPresent(clientId, (id, held) -> held.serverId().equals(server.serverId()) ? null : held);
        }
    }

    @Override
    public synchronized void withdraw(String serverId) {
        listings.remove(serverId);
        reservations.values().removeIf(held -> held.serverId().equals(serverId));
    }

    @Override
    public synchronized Optional<FleetReservation> reserve(FleetRequest request) {
        List<FleetServer> fleet = liveServers();
        Held existing = reservations.remove(request.clientId());
        List<FleetServer> candidates = new ArrayList<>();
        FleetServer chosen = null;
        for (FleetServer server : fleet) {
            if (!request.matches(server)) {
                continue;
            }
            if (existing != null && server.serverId().equals(existing.serverId())) {
                chosen = server; // its own reservation was counted in reservedSlots: it still fits
            }
            else if (server.freeSlots() > 0) {
                candidates.add(server);
            }
        }
        candidates.sort(request.policy().order());
        if (chosen == null) {
            if (candidates.isEmpty()) {
                reservationsRefused++;
                return Optional.empty();
            }
            chosen = candidates.remove(0);
        }
        Instant expiresAt = existing == null || request.expiresAt().isAfter(existing.expiresAt())
                ? request.expiresAt() : existing.expiresAt();
        reservations.put(request.clientId(), new Held(chosen.serverId(), expiresAt));
        reservationsMade++;
        List<FleetServer> fallbacks = candidates.subList(0, Math.min(candidates.size(), request.fallbackServers()));
        return Optional.of(new FleetReservation(chosen, fallbacks, request.clientId(), expiresAt));
    }

    @Override
    public synchronized List<FleetServer> servers() {
        return liveServers();
    }

    @Override
    public synchronized DirectoryStatistics statistics() {
        return new DirectoryStatistics(reservationsMade, reservationsRefused, reservationsExpired, 0, 0);
    }

    /** Drops what has lapsed, then the live servers by id with their reserved slots counted. */
    private List<FleetServer> liveServers() {
        Instant now = clock.instant();
        listings.values().removeIf(listing -> !listing.lastSeen().plus(timeToLive).isAfter(now));
        Map<String, Integer> reserved = new HashMap<>();
        for (Iterator<Held> it = reservations.values().iterator(); it.hasNext();) {
            Held held = it.next();
            if (!held.expiresAt().isAfter(now) || !listings.containsKey(held.serverId())) {
                it.remove();
                reservationsExpired++;
            }
            else {
                reserved.merge(held.serverId(), 1, Integer::sum);
            }
        }
        return listings.values().stream()
            .map(listing -> FleetServer.of(listing.announcement(), reserved.getOrDefault(listing.announcement().serverId(), 0)))
            .sorted(Comparator.comparing(FleetServer::serverId))
            .toList();
    }
}
