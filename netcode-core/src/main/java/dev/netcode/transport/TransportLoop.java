package dev.netcode.transport;

import java.util.Objects;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that drives a netcode state machine in real time: it calls {@code update(now)} with a
 * monotonic clock, sleeps in {@link Transport#awaitDatagram} until a datagram arrives, a command is
 * submitted or the state machine's next deadline (a keep-alive or timeout falling due) comes, and
 * runs commands that other threads submit, so the state machine itself stays single-threaded.
 *
 * <p>Waking costs more than it looks: on a 2-core VM an idle thread spends ~70 µs of CPU per
 * wake-up in the selector and the kernel, so a loop that woke every 5 ms would burn 1.4 % of a core
 * doing nothing. Sleeping until the deadline, with a cap, keeps an idle server near zero.
 */
public final class TransportLoop implements UpdateLoop {

    private static final Logger log = LoggerFactory.getLogger(TransportLoop.class);

    /**
     * Longest sleep between two updates. Only a safety net: the state machine's own deadline
     * (keep-alives go out at 10 Hz) is normally sooner.
     */
    public static final long MAX_WAIT_MILLIS = 100;

    private final Transport transport;
    private final DoubleConsumer update;
    private final DoubleSupplier nextUpdateTime;
    private final Runnable onExit;
    private final LoopCommands commands;
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private final double startTime;
    private volatile boolean running = true;

    /**
     * @param startTime the update clock's value now; it advances with {@link System#nanoTime()}
     * @param update called on the loop's thread with the current time
     * @param nextUpdateTime read on the loop's thread after each update: when (on the update clock)
     *        the state machine must be updated again if no datagram or command comes first
     * @param onExit called once on the loop's thread when the loop ends, for closing what it drives
     */
    public TransportLoop(String threadName, Transport transport, double startTime, DoubleConsumer update,
            DoubleSupplier nextUpdateTime, Runnable onExit) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.update = Objects.requireNonNull(update, "update");
        this.nextUpdateTime = Objects.requireNonNull(nextUpdateTime, "nextUpdateTime");
        this.onExit = Objects.requireNonNull(onExit, "onExit");
        this.startTime = startTime;
        this.commands = new LoopCommands(threadName);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Seconds on the update clock. */
    @Override
    public double now() {
        return startTime + (System.nanoTime() - startNanos) / 1e9;
    }

    private void run() {
        try {
            while (running) {
                // Commands run right after an update, so they see the state machine's clock fresh
                // (the loop may have slept up to MAX_WAIT_MILLIS); whatever they change is picked
                // up by the deadline read below.
                update.accept(now());
                commands.runAll();
                transport.flush();
                try {
                    transport.awaitDatagram(waitMillis(nextUpdateTime.getAsDouble() - now(), MAX_WAIT_MILLIS));
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
            commands.runAll();
            transport.flush();
            onExit.run();
        }
    }

    /**
     * How long to wait for a deadline {@code secondsLeft} away: rounded up to whole milliseconds, so
     * the loop does not wake just before it and spin; at least 1 ms, so a deadline already passed
     * (the update has just dealt with it) never makes the loop spin either; at most {@code max}.
     */
    static long waitMillis(double secondsLeft, long max) {
        double millis = Math.ceil(secondsLeft * 1000.0);
        return millis >= max ? max : Math.max(1, (long) millis);
    }

    /** Runs {@code command} on the loop's thread, soon (and before the loop exits, if it is stopping). */
    @Override
    public void execute(Runnable command) {
        commands.add(command);
        transport.wakeup();
    }

    @Override
    public void executeAfterPause(Runnable command) {
        commands.add(command);
        transport.wakeupAfterPause();
    }

    @Override
    public boolean isAlive() {
        return running && thread.isAlive();
    }

    /** Whether the caller is the loop's own thread. */
    @Override
    public boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Ends the loop after the commands already submitted, and waits up to {@code timeoutMillis} for it. */
    @Override
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
