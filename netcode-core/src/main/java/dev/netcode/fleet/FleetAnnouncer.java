package dev.netcode.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;

/**
 * Keeps one game server listed in a {@link ServerDirectory}: announces it at once and then every
 * interval (a heartbeat, well inside the directory's time to live), and withdraws it on
 * {@link #close}. When the directory cannot be reached the server keeps serving its players; the
 * announcer says so once at WARN, keeps trying, and says at INFO when the server is listed again.
 */
public final class FleetAnnouncer implements AutoCloseable {

    /** A third of {@link InMemoryServerDirectory#DEFAULT_TIME_TO_LIVE}: two heartbeats may be lost. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(FleetAnnouncer.class);

    private final ServerDirectory directory;
    private final String serverId;
    private final Supplier<ServerAnnouncement> announcement;
    private final Duration interval;
    private ScheduledExecutorService heartbeat;
    private volatile boolean listed;
    private boolean failing;
    private boolean closed;

    /**
     * @param serverId the id {@code announcement} carries, withdrawn on {@link #close}
     * @param announcement asked for the server's state at every heartbeat; returns {@code null} to
     *        skip one (the server is not running)
     * @param interval between heartbeats
     */
    public FleetAnnouncer(ServerDirectory directory, String serverId, Supplier<ServerAnnouncement> announcement,
            Duration interval) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.serverId = Objects.requireNonNull(serverId, "serverId");
        this.announcement = Objects.requireNonNull(announcement, "announcement");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.interval = interval;
    }

    /**
     * Announces {@code server} under {@code serverId} with its addresses, slots and connected
     * client ids (read on its thread) at every heartbeat while it runs.
     */
    public static FleetAnnouncer forServer(ServerDirectory directory, NetcodeServer server, String serverId,
            Map<String, String> labels, Duration interval) {
        Instant startedAt = Instant.now();
        return new FleetAnnouncer(directory, serverId, () -> announcementOf(server, serverId, labels, startedAt),
                interval);
    }

    private static ServerAnnouncement announcementOf(NetcodeServer server, String serverId, Map<String, String> labels,
            Instant startedAt) {
        if (!server.isRunning()) {
            return null;
        }
        // Every shard's clients (a server of one shard has one state machine to ask).
        Set<Long> connected = new HashSet<>();
        server.callEach(machine -> {
            List<Long> ids = new ArrayList<>();
            for (ClientSlot slot : machine.connectedSlots()) {
                ids.add(slot.clientId());
            }
            return ids;
        }).orTimeout(1, TimeUnit.SECONDS).join().forEach(connected::addAll);
        return new ServerAnnouncement(serverId, server.config().protocolId(), server.serverAddresses(),
                server.maxClients(), connected, labels, startedAt);
    }

    /** Announces now on the caller's thread, then every interval on a daemon thread of its own. */
    public synchronized void start() {
        if (heartbeat != null || closed) {
            return;
        }
        announceNow();
        heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "netcode-fleet-announcer-" + serverId);
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        heartbeat.scheduleWithFixedDelay(this::announceNow, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** One heartbeat now; never throws. @return whether the server is listed after it */
    public synchronized boolean announceNow() {
        if (closed) {
            return false;
        }
        try {
            ServerAnnouncement current = announcement.get();
            if (current == null) {
                return listed;
            }
            directory.announce(current);
            if (failing) {
                log.info("Fleet server '{}' is listed in the directory again", serverId);
            }
            failing = false;
            listed = true;
        }
        catch (RuntimeException ex) {
            if (!failing) {
                log.warn("Fleet server '{}' could not be announced ({}); it keeps serving its players and tries again "
                        + "every {} ms", serverId, ex.getMessage(), interval.toMillis());
            }
            else {
                log.debug("Fleet server '{}' still not announced: {}", serverId, ex.getMessage());
            }
            failing = true;
            listed = false;
        }
        return listed;
    }

    /** Whether the last heartbeat reached the directory. */
    public boolean isListed() {
        return listed;
    }

    public String serverId() {
        return serverId;
    }

    /** Stops the heartbeat and withdraws the server, so no new token lists it. Never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
        try {
            directory.withdraw(serverId);
            log.info("Fleet server '{}' withdrawn from the directory", serverId);
        }
        catch (RuntimeException ex) {
            log.warn("Fleet server '{}' could not be withdrawn ({}); it drops out when its listing expires", serverId,
                    ex.getMessage());
        }
        listed = false;
    }
}
