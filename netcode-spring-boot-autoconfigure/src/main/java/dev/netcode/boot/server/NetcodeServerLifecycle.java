package dev.netcode.boot.server;

import java.io.UncheckedIOException;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.netcode.boot.NetcodeBindException;
import dev.netcode.boot.fleet.FleetListing;
import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.server.NetcodeServer;
import dev.netcode.transport.SocketBufferSizes;

/**
 * Ties a {@link NetcodeServer} to the application context: the socket is bound when the context
 * starts (last, so every listener is ready) and, when it stops (first, before the web server and
 * the listener threads go), every client gets its disconnect packets before the socket closes.
 * With a {@link FleetListing}, the server is announced in the fleet right after it binds and
 * withdrawn right before it stops, so no token lists it while it cannot be reached.
 */
public class NetcodeServerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NetcodeServerLifecycle.class);

    private final NetcodeServer server;
    private final String bindAddress;
    private final @Nullable FleetListing fleetListing;
    private volatile @Nullable FleetAnnouncer fleetAnnouncer;

    /**
     * @param fleetListing how the server is listed in the fleet while it runs, or {@code null}
     *        outside a fleet
     */
    public NetcodeServerLifecycle(NetcodeServer server, String bindAddress, @Nullable FleetListing fleetListing) {
        this.server = Objects.requireNonNull(server, "server");
        this.bindAddress = bindAddress;
        this.fleetListing = fleetListing;
    }

    @Override
    public void start() {
        try {
            server.start();
        }
        catch (UncheckedIOException ex) {
            throw new NetcodeBindException(bindAddress, ex.getCause());
        }
        SocketBufferSizes buffers = server.socketBuffers();
        log.info("netcode server listening on UDP {} for {} clients (public {}), transport {}{}", server.localAddress(),
                server.maxClients(), server.serverAddresses(), server.transportName(), (buffers != null) ? ", socket buffers receive "
                        + buffers.receiveBytes() + " B / send " + buffers.sendBytes() + " B granted" : "");
        if (fleetListing != null) {
            // Announces at once, then heartbeats; an unreachable directory never stops the server.
            FleetAnnouncer announcer = fleetListing.announcerFor(server);
            announcer.start();
            fleetAnnouncer = announcer;
            if (announcer.isListed()) {
                log.info("netcode server listed in the fleet as '{}'", fleetListing.serverId());
            }
        }
    }

    @Override
    public void stop() {
        FleetAnnouncer announcer = fleetAnnouncer;
        if (announcer != null) {
            // Withdrawn first: no new token lists a server that is about to stop answering.
            announcer.close();
            fleetAnnouncer = null;
        }
        if (server.isRunning()) {
            int connected = server.connectedClientCount();
            server.stop();
            log.info("netcode server stopped ({} clients disconnected)", connected);
        }
    }

    @Override
    public void stop(Runnable callback) {
        // Disconnecting sends ten packets per client and waits for the server's thread: do it off
        // the thread that stops the context, which can stop other phases meanwhile.
        Thread stopper = new Thread(() -> {
            try {
                stop();
            }
            finally {
                callback.run();
            }
        }, "netcode-server-stop");
        stopper.start();
    }

    /**
     * While the server or its announcer runs: an application that stops the server itself still
     * gets its heartbeat stopped and its listing withdrawn when the context stops.
     */
    @Override
    public boolean isRunning() {
        return server.isRunning() || fleetAnnouncer != null;
    }

    /** How the server is listed in the fleet, or {@code null} outside a fleet. */
    public @Nullable FleetListing fleetListing() {
        return fleetListing;
    }

    /** The announcer keeping the server listed while it runs, or {@code null} (stopped, or no fleet). */
    public @Nullable FleetAnnouncer fleetAnnouncer() {
        return fleetAnnouncer;
    }

    /** Start last, stop first. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
