package dev.netcode.server;

import java.util.concurrent.atomic.AtomicLong;

import dev.netcode.packet.DropCounters;

/**
 * A server's running totals, readable from any thread while the server's thread writes them. A
 * {@link NetcodeServer} keeps one across restarts, so the totals only ever grow, as metrics expect.
 *
 * <p>The per-packet totals (datagrams received and sent, drops) are added once per update of the
 * server, not per packet, so they read as of the server's last finished update; several servers
 * (on several threads) may add to one instance.
 */
public final class ServerStatistics {

    final DropCounters drops = new DropCounters();
    final AtomicLong packetsReceived = new AtomicLong();
    final AtomicLong packetsSent = new AtomicLong();
    final AtomicLong connectionsAccepted = new AtomicLong();
    final AtomicLong connectionsDenied = new AtomicLong();
    final AtomicLong handlerErrors = new AtomicLong();
    final AtomicLong handshakesSuperseded = new AtomicLong();

    /** Datagrams dropped, by reason. */
    public DropCounters drops() {
        return drops;
    }

    public long packetsReceived() {
        return packetsReceived.get();
    }

    public long packetsSent() {
        return packetsSent.get();
    }

    /** Clients that completed the handshake and got a slot (loopback clients included). */
    public long connectionsAccepted() {
        return connectionsAccepted.get();
    }

    /** Handshakes answered with "denied" because every slot was taken. */
    public long connectionsDenied() {
        return connectionsDenied.get();
    }

    /** Exceptions and errors thrown by the {@link ServerEventHandler}, caught and logged. */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    /**
     * Pending handshakes given up for a newer one (their tokens are refused from then on): another
     * token from the same address, or the same client id from elsewhere beyond
     * {@link ServerConfig#MAX_PENDING_PER_CLIENT_ID}.
     */
    public long handshakesSuperseded() {
        return handshakesSuperseded.get();
    }
}
