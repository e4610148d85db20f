package dev.netcode.boot.listener;

/**
 * A client completed the netcode handshake and holds a slot. Published before any of its payloads
 * reaches a {@link NetcodeListener @NetcodeListener} method; this event, not an annotated method,
 * is how an application learns that a client joined:
 *
 * <pre class="code">
 * &#064;EventListener
 * void joined(NetcodeClientConnectedEvent event) {
 *     players.add(event.getSession());
 * }
 * </pre>
 *
 * The client may already have left by the time the event is delivered (see
 * {@link NetcodeSession#isConnected()}); its {@link NetcodeClientDisconnectedEvent} then follows.
 *
 * @see NetcodeClientEvent
 */
public class NetcodeClientConnectedEvent extends NetcodeClientEvent {

    private static final long serialVersionUID = 1L;

    public NetcodeClientConnectedEvent(NetcodeSession session) {
        super(session);
    }

    @Override
    public String toString() {
        return "NetcodeClientConnectedEvent[" + getSession() + "]";
    }
}
