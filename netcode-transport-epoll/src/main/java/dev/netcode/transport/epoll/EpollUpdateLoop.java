package dev.netcode.transport.epoll;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.transport.LoopCommands;
import dev.netcode.transport.TransportLoop;
import dev.netcode.transport.UpdateLoop;

/**
 * Drives a state machine on an {@link EpollTransport}'s event loop: an update after every batch the
 * socket read, at the state machine's next deadline (at most {@link TransportLoop#MAX_WAIT_MILLIS}
 * away) and for submitted commands (one update for all those queued meanwhile), each followed by the commands and one flush, so what an
 * update sent leaves in one {@code sendmmsg}. The semantics are {@link TransportLoop}'s; only the
 * thread is Netty's, named after the state machine once started.
 *
 * <p>The deadline timer is kept rather than rescheduled when the new deadline is no earlier, so a
 * busy server, updated by its reads, does not allocate a timer per update; a timer that fires
 * early only causes an update that has nothing to do.
 */
final class EpollUpdateLoop implements UpdateLoop {

    private static final Logger log = LoggerFactory.getLogger(EpollUpdateLoop.class);

    private final String threadName;
    private final EpollTransport transport;
    private final EventLoop eventLoop;
    private final DoubleConsumer update;
    private final DoubleSupplier nextUpdateTime;
    private final Runnable onExit;
    private final Runnable updateTask = this::update;
    /** The deadline timer's task: while it runs its timer is not done yet, so it forgets it first, or no next one is set. */
    private final Runnable timerTask = () -> {
        timer = null;
        update();
    };
    /**
     * Commands' update: at most one queued at a time, so a game thread submitting a command per client per tick
     * costs one update for all of them, as a single wake-up of a {@link TransportLoop} does, not one each.
     * Cleared before the update runs the commands, so a command added after that queues the next one.
     */
    private final AtomicBoolean commandUpdateQueued = new AtomicBoolean();
    private final Runnable commandUpdateTask = () -> {
        commandUpdateQueued.set(false);
        update();
    };
    private final LoopCommands commands;
    private final CountDownLatch exited = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private final double startTime;

    private volatile boolean running;
    private volatile boolean alive;

    // Event loop only.
    private ScheduledFuture<?> timer;
    private double timerDue = Double.POSITIVE_INFINITY;
    private boolean exitDone;

    EpollUpdateLoop(String threadName, EpollTransport transport, EventLoop eventLoop, double startTime, DoubleConsumer update,
            DoubleSupplier nextUpdateTime, Runnable onExit) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.commands = new LoopCommands(threadName);
        this.transport = Objects.requireNonNull(transport, "transport");
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.update = Objects.requireNonNull(update, "update");
        this.nextUpdateTime = Objects.requireNonNull(nextUpdateTime, "nextUpdateTime");
        this.onExit = Objects.requireNonNull(onExit, "onExit");
        this.startTime = startTime;
    }

    @Override
    public void start() {
        running = true;
        alive = true;
        eventLoop.execute(() -> {
            Thread.currentThread().setName(threadName);
            update();
        });
    }

    @Override
    public double now() {
        return startTime + (System.nanoTime() - startNanos) / 1e9;
    }

    /** One update, the commands, one flush, and the next deadline; on the event loop. */
    void update() {
        if (!running) {
            return;
        }
        try {
            // As in TransportLoop, commands run right after an update, so they see a fresh clock.
            update.accept(now());
            commands.runAll();
            transport.flush();
            if (transport.hasPending()) {
                // The update took its maximum; the rest waits for the next one, not for the next read.
                eventLoop.execute(updateTask);
            }
            scheduleNextUpdate();
        }
        catch (RuntimeException | Error ex) {
            log.error("netcode loop {} failed and is stopping", threadName, ex);
            running = false;
            exit();
        }
    }

    private void scheduleNextUpdate() {
        double now = now();
        double due = Math.min(nextUpdateTime.getAsDouble(), now + TransportLoop.MAX_WAIT_MILLIS / 1000.0);
        if (timer != null && !timer.isDone() && timerDue <= due) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        // Whole milliseconds, at least one, so a deadline just passed never makes the loop spin.
        long delayMillis = Math.max(1, (long) Math.ceil((due - now) * 1000.0));
        timerDue = now + delayMillis / 1000.0;
        timer = eventLoop.schedule(timerTask, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs the last commands, flushes, and lets the owner close what it drives (the transport among it). */
    private void exit() {
        if (exitDone) {
            return;
        }
        exitDone = true;
        try {
            if (timer != null) {
                timer.cancel(false);
            }
            commands.runAll();
            transport.flush();
            onExit.run();
        }
        finally {
            alive = false;
            exited.countDown();
        }
    }

    @Override
    public void execute(Runnable command) {
        commands.add(command);
        if (!commandUpdateQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            eventLoop.execute(commandUpdateTask);
        }
        catch (RejectedExecutionException ex) {
            // The event loop has ended (the loop stopped); as on TransportLoop, the command never runs.
        }
    }

    @Override
    public boolean isAlive() {
        return alive;
    }

    @Override
    public boolean isLoopThread() {
        return eventLoop.inEventLoop();
    }

    @Override
    public void stop(long timeoutMillis) {
        running = false;
        try {
            eventLoop.execute(this::exit);
        }
        catch (RejectedExecutionException ex) {
            return;
        }
        if (isLoopThread()) {
            return;
        }
        try {
            exited.await(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
