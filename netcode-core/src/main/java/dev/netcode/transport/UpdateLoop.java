package dev.netcode.transport;

/**
 * The one thread that drives a netcode state machine: it updates it in real time, hands it the
 * datagrams its transport receives and runs the commands other threads submit, so the state machine
 * itself never needs a lock. {@link TransportLoop} is the portable one (a thread of its own that
 * sleeps in {@link Transport#awaitDatagram}); a transport whose I/O lives on an event loop of its
 * own supplies one that runs on that event loop instead, through
 * {@link Transport#newLoop Transport.newLoop}.
 */
public interface UpdateLoop {

    /** Starts driving; call once. */
    void start();

    /** Seconds on the update clock. */
    double now();

    /** Runs {@code command} on the loop's thread, soon (and before the loop exits, if it is stopping). */
    void execute(Runnable command);

    /**
     * As {@link #execute}, but a loop in a receive-coalescing pause finishes it first (at most its window, a fraction
     * of a millisecond by default): for sends, so that replies other threads make under load do not end every pause.
     */
    default void executeAfterPause(Runnable command) {
        execute(command);
    }

    boolean isAlive();

    /** Whether the caller is the loop's own thread. */
    boolean isLoopThread();

    /** Ends the loop after the commands already submitted, and waits up to {@code timeoutMillis} for it. */
    void stop(long timeoutMillis);
}
