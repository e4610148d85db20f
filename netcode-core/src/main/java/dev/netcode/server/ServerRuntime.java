package dev.netcode.server;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.packet.PacketCodec;

/**
 * Runs a {@link NetcodeServer} in real time on a thread of its own: it waits for datagrams (at most
 * {@link #MAX_WAIT_MILLIS} between updates so keep-alives and timeouts stay on time), calls
 * {@code update} with a monotonic clock, and runs commands that other threads submit, so the
 * application can send and disconnect from anywhere while the server itself stays single-threaded.
 */
public final class ServerRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);

    /** Longest wait between two updates; well under the 100 ms keep-alive period. */
    public static final long MAX_WAIT_MILLIS = 5;

    private final NetcodeServer server;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private final double startTime;
    private volatile boolean running = true;

    private ServerRuntime(NetcodeServer server, int maxClients, String threadName) {
        this.server = Objects.requireNonNull(server, "server");
        this.startTime = server.time();
        server.start(maxClients);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts {@code server} with {@code maxClients} slots and drives it on a new thread. */
    public static ServerRuntime start(NetcodeServer server, int maxClients) {
        ServerRuntime runtime = new ServerRuntime(server, maxClients, "netcode-server-" + server.localAddress().port());
        runtime.thread.start();
        return runtime;
    }

    /** Seconds on the server's update clock. */
    public double now() {
        return startTime + (System.nanoTime() - startNanos) / 1e9;
    }

    private void run() {
        try {
            while (running) {
                runCommands();
                server.update(now());
                try {
                    server.transport().awaitDatagram(MAX_WAIT_MILLIS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        catch (RuntimeException | Error ex) {
            log.error("netcode server loop failed; the server is stopping", ex);
        }
        finally {
            runCommands();
            server.close();
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            try {
                command.run();
            }
            catch (RuntimeException ex) {
                log.warn("netcode server command failed", ex);
            }
        }
    }

    /** Runs {@code command} on the server's thread, soon. */
    public void execute(Runnable command) {
        commands.add(Objects.requireNonNull(command, "command"));
        server.transport().wakeup();
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

    /** Sends a copy of {@code payload} to the client in {@code clientIndex}, from any thread. */
    public void sendPayload(int clientIndex, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
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
        return running && thread.isAlive();
    }

    /**
     * Stops the server (sending disconnect packets to every client), ends the thread and closes the
     * server and its transport. Waits up to {@code timeoutMillis} for that to happen.
     */
    public void close(long timeoutMillis) {
        if (!running) {
            return;
        }
        execute(server::stop);
        running = false;
        server.transport().wakeup();
        try {
            thread.join(timeoutMillis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
