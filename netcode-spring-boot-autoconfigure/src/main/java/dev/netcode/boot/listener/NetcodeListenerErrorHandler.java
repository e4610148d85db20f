package dev.netcode.boot.listener;

import org.slf4j.LoggerFactory;

/**
 * Handles what a {@link NetcodeListener @NetcodeListener} method (or one of its argument resolvers,
 * or sending its reply) throws, on the listener thread. Whatever happens here, the dispatcher counts
 * the error and goes on with the next payload; the client stays connected. The auto-configured
 * handler logs a warning; declare a bean of this type to replace it (for example to disconnect
 * clients that send garbage).
 */
@FunctionalInterface
public interface NetcodeListenerErrorHandler {

    /**
     * Handles the failure of {@code listener} for a payload from {@code session}.
     *
     * @param session the client that sent the payload
     * @param listener the method that failed
     * @param ex what it threw (unwrapped from reflection's {@code InvocationTargetException})
     */
    void handleError(NetcodeSession session, NetcodeListenerMethod listener, Throwable ex);

    /**
     * Handles a {@link NetcodeClientEvent} whose publication failed because an
     * {@code @EventListener} threw. Logs a warning by default.
     */
    default void handleEventError(NetcodeClientEvent event, Throwable ex) {
        LoggerFactory.getLogger(NetcodeListenerErrorHandler.class)
            .warn("An application listener for {} failed; the next events are delivered as usual", event, ex);
    }
}
