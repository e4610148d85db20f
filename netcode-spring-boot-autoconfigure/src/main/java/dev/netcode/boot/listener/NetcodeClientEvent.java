package dev.netcode.boot.listener;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the netcode session lifecycle events: {@link NetcodeClientConnectedEvent} and
 * {@link NetcodeClientDisconnectedEvent}. These application events are <em>the</em> way to follow
 * clients joining and leaving: {@link NetcodeListener @NetcodeListener} methods receive payloads
 * only, and there are no annotated connect or disconnect methods.
 *
 * <p>The {@link NetcodeListenerDispatcher} publishes them through the
 * {@link org.springframework.context.ApplicationEventPublisher} on a listener thread, in order with
 * the same client's payloads: its connected event before its first payload, its disconnected event
 * after its last. {@code @EventListener} methods for them run on that thread (unless made
 * {@code @Async}), so they hold up that client's payloads while they run, but never the server.
 * An exception from one of them goes to the {@link NetcodeListenerErrorHandler}.
 */
public abstract class NetcodeClientEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient NetcodeSession session;

    protected NetcodeClientEvent(NetcodeSession session) {
        super(session);
        this.session = session;
    }

    /** The client's session. */
    public NetcodeSession getSession() {
        return session;
    }
}
