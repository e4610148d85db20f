package dev.netcode.boot.listener.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.boot.listener.NetcodeListenerErrorHandler;
import dev.netcode.boot.listener.NetcodeListenerMethod;
import dev.netcode.boot.listener.NetcodeSession;
import dev.netcode.boot.message.UnreadableNetcodeMessageException;

/**
 * The default {@link NetcodeListenerErrorHandler}: logs a warning with the method and the
 * exception, except for a message the client sent that cannot be read, which is the client's
 * doing and logged at DEBUG without a stack trace (the dispatcher counts it either way).
 */
public class LoggingNetcodeListenerErrorHandler implements NetcodeListenerErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(LoggingNetcodeListenerErrorHandler.class);

    @Override
    public void handleError(NetcodeSession session, NetcodeListenerMethod listener, Throwable ex) {
        if (ex instanceof UnreadableNetcodeMessageException) {
            log.debug("Dropped a message from {} for {}: {}", session, listener.method().getName(), ex.getMessage());
            return;
        }
        log.warn("@NetcodeListener method {} on bean '{}' failed for a payload from {}; the next payload is "
                + "delivered as usual", listener.method().toGenericString(), listener.beanName(), session, ex);
    }
}
