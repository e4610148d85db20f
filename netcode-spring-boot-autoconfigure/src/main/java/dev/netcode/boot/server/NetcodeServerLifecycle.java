package dev.netcode.boot.server;

import java.io.UncheckedIOException;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.netcode.boot.NetcodeBindException;
import dev.netcode.server.NetcodeServer;

/**
 * Ties a {@link NetcodeServer} to the application context: the socket is bound when the context
 * starts (last, so every listener is ready) and, when it stops (first, before the web server and
 * the listener threads go), every client gets its disconnect packets before the socket closes.
 */
public class NetcodeServerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NetcodeServerLifecycle.class);

    private final NetcodeServer server;
    private final String bindAddress;

    public NetcodeServerLifecycle(NetcodeServer server, String bindAddress) {
        this.server = Objects.requireNonNull(server, "server");
        this.bindAddress = bindAddress;
    }

    @Override
    public void start() {
        try {
            server.start();
        }
        catch (UncheckedIOException ex) {
            throw new NetcodeBindException(bindAddress, ex.getCause());
        }
        log.info("netcode server listening on UDP {} for {} clients (public {})", server.localAddress(),
                server.maxClients(), server.serverAddresses());
    }

    @Override
    public void stop() {
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

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    /** Start last, stop first. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
