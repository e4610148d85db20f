package dev.netcode.fleet;

import java.util.List;
import java.util.Optional;

/**
 * Where game servers announce their free slots and token issuers reserve them. Implementations are
 * thread-safe; a shared one (Redis) makes {@link #reserve} atomic across every issuer, so a server
 * never has more reservations plus connections than slots.
 *
 * <p>A server that stops announcing drops out after the directory's time to live; its reservations
 * go with it. A reservation lasts until the request's {@code expiresAt}, or until the server it is
 * on announces that client as connected, whichever comes first: another server reporting the
 * client does not free it (the player may be about to move), so a slot may be held too long but
 * is never promised twice.
 *
 * <p>A shared directory that cannot be reached throws {@link ServerDirectoryUnavailableException}
 * from every method but {@link #statistics} and {@link #close}; nothing was changed then.
 */
public interface ServerDirectory extends AutoCloseable {

    /**
     * Registers or refreshes {@code server} (a heartbeat) and consumes the reservations held on it
     * of the clients it reports connected.
     */
    void announce(ServerAnnouncement server);

    /** Removes a server at once (a graceful shutdown); nothing if it is not there. */
    void withdraw(String serverId);

    /**
     * Reserves one slot on the first server, in {@code request}'s policy order, that qualifies and
     * has room; the same client asking again gets the same server while its reservation lasts.
     *
     * @return the reservation, or empty when no qualifying server has room
     */
    Optional<FleetReservation> reserve(FleetRequest request);

    /** The live servers as this directory sees them now, by server id. */
    List<FleetServer> servers();

    /** What this instance has done since it was created; never blocks on the directory. */
    DirectoryStatistics statistics();

    @Override
    default void close() {
    }
}
