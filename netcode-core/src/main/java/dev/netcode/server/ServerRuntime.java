package dev.netcode.server;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.netcode.packet.PacketCodec;
import dev.netcode.transport.TransportLoop;

/**
 * Runs a {@link NetcodeServer} in real time on a thread of its own (a {@link TransportLoop}), so
 * the application can send and disconnect from any thread while the server itself stays
 * single-threaded. Server events arrive on the runtime's thread.
 */
public final class ServerRuntime implements AutoCloseable {

    private final NetcodeServer server;
    private final TransportLoop loop;

    private ServerRuntime(NetcodeServer server, int maxClients) {
        this.server = Objects.requireNonNull(server, "server");
        server.start(maxClients);
        this.loop = new TransportLoop("netcode-server-" + server.localAddress().port(), server.transport(),
                server.time(), server::update, server::close);
    }

    /** Starts {@code server} with {@code maxClients} slots and drives it on a new thread. */
    public static ServerRuntime start(NetcodeServer server, int maxClients) {
        ServerRuntime runtime = new ServerRuntime(server, maxClients);
        runtime.loop.start();
        return runtime;
    }

    /** Seconds on the server's update clock. */
    public double now() {
        return loop.now();
    }

    /** Runs {@code command} on the server's thread, soon. */
    public void execute(Runnable command) {
        loop.execute(command);
    }

    /** Runs {@code query} on the server's thread and completes with its result. */
    public <T> CompletableFuture<T> call(Function<NetcodeServer, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(query.apply(server));
            }
            catch (RuntimeException ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    /**
     * Sends {@code payload[offset, offset + length)} to the client in {@code clientIndex}, from any
     * thread. On the runtime's own thread (inside an event) it is sent at once; elsewhere a copy is
     * queued.
     */
    public void sendPayload(int clientIndex, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        if (loop.isLoopThread()) {
            server.sendPayload(clientIndex, payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        execute(() -> server.sendPayload(clientIndex, copy, 0, copy.length));
    }

    /** Disconnects the client in {@code clientIndex}, from any thread. */
    public void disconnectClient(int clientIndex) {
        execute(() -> server.disconnectClient(clientIndex));
    }

    /** The server; touch it only from its own thread (inside events or {@link #execute}). */
    public NetcodeServer server() {
        return server;
    }

    public boolean isRunning() {
        return loop.isAlive();
    }

    /**
     * Stops the server (sending disconnect packets to every client), ends the thread and closes the
     * server and its transport, waiting up to {@code timeoutMillis} for that.
     */
    public void close(long timeoutMillis) {
        if (!loop.isAlive()) {
            return;
        }
        execute(server::stop);
        loop.stop(timeoutMillis);
    }

    @Override
    public void close() {
        close(5_000);
    }
}
