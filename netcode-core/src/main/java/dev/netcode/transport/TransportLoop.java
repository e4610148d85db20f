package dev.netcode.transport;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.DoubleConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that drives a netcode state machine in real time: it calls {@code update(now)} with a
 * monotonic clock, sleeps in {@link Transport#awaitDatagram} until a datagram arrives or
 * {@link #MAX_WAIT_MILLIS} pass (well under the 100 ms keep-alive period), and runs commands that
 * other threads submit, so the state machine itself stays single-threaded.
 */
public final class TransportLoop {

    private static final Logger log = LoggerFactory.getLogger(TransportLoop.class);

    /** Longest wait between two updates. */
    public static final long MAX_WAIT_MILLIS = 5;

    private final Transport transport;
    private final DoubleConsumer update;
    private final Runnable onExit;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private final double startTime;
    private volatile boolean running = true;

    /**
     * @param startTime the update clock's value now; it advances with {@link System#nanoTime()}
     * @param update called on the loop's thread with the current time
     * @param onExit called once on the loop's thread when the loop ends, for closing what it drives
     */
    public TransportLoop(String threadName, Transport transport, double startTime, DoubleConsumer update,
            Runnable onExit) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.update = Objects.requireNonNull(update, "update");
        this.onExit = Objects.requireNonNull(onExit, "onExit");
        this.startTime = startTime;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Seconds on the update clock. */
    public double now() {
        return startTime + (System.nanoTime() - startNanos) / 1e9;
    }

    private void run() {
        try {
            while (running) {
                runCommands();
                update.accept(now());
                try {
                    transport.awaitDatagram(MAX_WAIT_MILLIS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        catch (RuntimeException | Error ex) {
            log.error("netcode loop {} failed and is stopping", thread.getName(), ex);
        }
        finally {
            runCommands();
            onExit.run();
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            try {
                command.run();
            }
            catch (RuntimeException ex) {
                log.warn("netcode loop {}: a command failed", thread.getName(), ex);
            }
        }
    }

    /** Runs {@code command} on the loop's thread, soon (and before the loop exits, if it is stopping). */
    public void execute(Runnable command) {
        commands.add(Objects.requireNonNull(command, "command"));
        transport.wakeup();
    }

    public boolean isAlive() {
        return running && thread.isAlive();
    }

    /** Whether the caller is the loop's own thread. */
    public boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Ends the loop after the commands already submitted, and waits up to {@code timeoutMillis} for it. */
    public void stop(long timeoutMillis) {
        running = false;
        transport.wakeup();
        if (isLoopThread()) {
            return;
        }
        try {
            thread.join(timeoutMillis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
