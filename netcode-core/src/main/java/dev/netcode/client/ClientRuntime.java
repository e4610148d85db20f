package dev.netcode.client;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.packet.PacketCodec;

/**
 * Runs a {@link NetcodeClient} in real time on a thread of its own, like the server's runtime:
 * waits for datagrams (at most {@link #MAX_WAIT_MILLIS} between updates), updates the client with
 * a monotonic clock, and runs commands submitted from other threads. The client's events are
 * delivered on the runtime's thread.
 */
public final class ClientRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientRuntime.class);

    public static final long MAX_WAIT_MILLIS = 5;

    private final NetcodeClient client;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private final double startTime;
    private final Object stateMonitor = new Object();
    private volatile ClientState state;
    private volatile boolean running = true;

    private ClientRuntime(NetcodeClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.startTime = client.time();
        this.state = client.state();
        this.thread = new Thread(this::run, "netcode-client-" + client.localAddress().port());
        this.thread.setDaemon(true);
    }

    /** Drives {@code client} on a new thread. */
    public static ClientRuntime start(NetcodeClient client) {
        ClientRuntime runtime = new ClientRuntime(client);
        runtime.thread.start();
        return runtime;
    }

    /** Seconds on the client's update clock. */
    public double now() {
        return startTime + (System.nanoTime() - startNanos) / 1e9;
    }

    private void run() {
        try {
            while (running) {
                runCommands();
                client.update(now());
                publishState();
                try {
                    client.transport().awaitDatagram(MAX_WAIT_MILLIS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        catch (RuntimeException | Error ex) {
            log.error("netcode client loop failed; the client is closing", ex);
        }
        finally {
            runCommands();
            client.close();
            publishState();
        }
    }

    private void publishState() {
        ClientState current = client.state();
        if (current != state) {
            synchronized (stateMonitor) {
                state = current;
                stateMonitor.notifyAll();
            }
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            try {
                command.run();
            }
            catch (RuntimeException ex) {
                log.warn("netcode client command failed", ex);
            }
        }
    }

    /** Runs {@code command} on the client's thread, soon. */
    public void execute(Runnable command) {
        commands.add(Objects.requireNonNull(command, "command"));
        client.transport().wakeup();
    }

    /** Starts connecting with a 2048-byte connect token. */
    public void connect(byte[] connectToken) {
        byte[] copy = connectToken.clone();
        execute(() -> {
            client.connect(copy);
            publishState();
        });
    }

    /** Sends a copy of {@code payload} (1..1200 bytes) if connected. */
    public void sendPayload(byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        execute(() -> client.sendPayload(copy, 0, copy.length));
    }

    public void disconnect() {
        execute(() -> {
            client.disconnect();
            publishState();
        });
    }

    /** The client's state as of its last update. */
    public ClientState state() {
        return state;
    }

    /**
     * Waits until the state satisfies {@code condition} or {@code timeoutMillis} pass; returns the
     * state at that moment.
     */
    public ClientState awaitState(Predicate<ClientState> condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (stateMonitor) {
            while (!condition.test(state)) {
                long remaining = (deadline - System.nanoTime()) / 1_000_000L;
                if (remaining <= 0 || !thread.isAlive()) {
                    break;
                }
                stateMonitor.wait(remaining);
            }
            return state;
        }
    }

    /** The client; touch it only from its own thread (inside events or {@link #execute}). */
    public NetcodeClient client() {
        return client;
    }

    /** Disconnects cleanly (10 disconnect packets if connected), ends the thread and closes the client. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        client.transport().wakeup();
        try {
            thread.join(5_000);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
