package dev.netcode.boot.listener.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.boot.listener.NetcodeListenerErrorHandler;
import dev.netcode.boot.listener.NetcodeListenerMethod;
import dev.netcode.boot.listener.NetcodeSession;

/** The default {@link NetcodeListenerErrorHandler}: logs a warning with the method and the exception. */
public class LoggingNetcodeListenerErrorHandler implements NetcodeListenerErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(LoggingNetcodeListenerErrorHandler.class);

    @Override
    public void handleError(NetcodeSession session, NetcodeListenerMethod listener, Throwable ex) {
        log.warn("@NetcodeListener method {} on bean '{}' failed for a payload from {}; the next payload is "
                + "delivered as usual", listener.method().toGenericString(), listener.beanName(), session, ex);
    }
}
