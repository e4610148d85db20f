package dev.netcode.boot.listener;

import java.util.Objects;

import dev.netcode.server.DisconnectReason;

/**
 * A client left: it timed out, it disconnected, or the application (or a server stop)
 * disconnected it. Published after its last payload was delivered to the
 * {@link NetcodeListener @NetcodeListener} methods; this event, not an annotated method, is how an
 * application learns that a client left:
 *
 * <pre class="code">
 * &#064;EventListener
 * void left(NetcodeClientDisconnectedEvent event) {
 *     players.remove(event.getSession());
 * }
 * </pre>
 *
 * The session's {@link NetcodeSession#send send} and {@link NetcodeSession#disconnect disconnect}
 * no longer do anything.
 *
 * @see NetcodeClientEvent
 */
public class NetcodeClientDisconnectedEvent extends NetcodeClientEvent {

    private static final long serialVersionUID = 1L;

    private final DisconnectReason reason;

    public NetcodeClientDisconnectedEvent(NetcodeSession session, DisconnectReason reason) {
        super(session);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the client left. */
    public DisconnectReason getReason() {
        return reason;
    }

    @Override
    public String toString() {
        return "NetcodeClientDisconnectedEvent[" + getSession() + ", " + reason + "]";
    }
}
