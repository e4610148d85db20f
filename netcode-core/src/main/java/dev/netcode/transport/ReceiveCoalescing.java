package dev.netcode.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A socket transport's receive coalescing: after a {@link Transport#receive receive} that took datagrams and left the
 * socket's queue empty, the next {@link Transport#awaitDatagram wait} lasts a short window whatever arrives meanwhile,
 * so that what arrives in that window is received, handled and answered in one batch.
 *
 * <p>Why: under a steady stream of datagrams a loop that waits for "the next datagram" wakes for almost each one. A
 * server echoing 64 k datagrams per second over the native transport woke 48 k times a second, 1.3 datagrams per
 * wake-up, and every wake-up cost a {@code poll}, a context switch, a {@code recvmmsg} and a {@code sendmmsg}; with a
 * 250 µs window its CPU per echoed datagram fell from 10.1 µs to 7.0 µs (BENCHMARKS.md, run D). The price: a datagram
 * that arrives during a window waits for the window's end, at most the window; what the last receive took has been
 * answered before the window starts.
 *
 * <p>Only a busy socket is paused on: when the last receive took nothing, or stopped before the queue was empty (the
 * loop is behind, so it must not sleep at all), the wait is the transport's ordinary one. A lone datagram costs one
 * timer wake-up more than without coalescing, an idle socket nothing. {@link #wakeup} (a command for the loop, or
 * closing) ends a window at once.
 *
 * <p>Threads: the loop thread calls {@link #afterReceive} and {@link #pause}; any thread may call {@link #wakeup} and
 * {@link #isPausing}.
 */
final class ReceiveCoalescing {

    private final long windowNanos;
    /** Whether the next wait is a pause, and when the receive that made it one ended (loop thread only). */
    private boolean pauseDue;
    private long receivedAtNanos;
    /** The loop thread while it pauses, else {@code null}. */
    private volatile Thread pausing;
    /**
     * Set by {@link #wakeup} before it looks for a pausing thread, read by {@link #pause} after it has published itself:
     * whichever of the two comes second sees the other, so a wake-up is never lost between the check and the park.
     * Cleared by each receive: a command submitted before it runs right after that update anyway, so its wake-up must
     * not cut the next pause short.
     */
    private volatile boolean wakeupPending;

    /** @param windowNanos the pause after a busy receive (not negative); 0 turns coalescing off */
    ReceiveCoalescing(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /**
     * Records how a receive ended. Every exit of a transport's receive calls it, once.
     *
     * @param taken datagrams it took
     * @param drained whether it stopped because the socket had no more (not because it reached its limit or an error)
     */
    void afterReceive(int taken, boolean drained) {
        wakeupPending = false;
        pauseDue = windowNanos > 0 && taken > 0 && drained;
        if (pauseDue) {
            receivedAtNanos = System.nanoTime();
        }
    }

    /** Whether the loop thread is in a pause now: work that may wait for its end need not wake it. */
    boolean isPausing() {
        return pausing != null;
    }

    /**
     * If the last receive was busy, pauses until the window from its end is over (or {@code timeoutMillis} from now,
     * if sooner): the time the loop spent handling what it received counts against the window, so a loop that fell
     * behind meanwhile does not sleep.
     *
     * @return whether it paused; if so the transport's wait is over and the caller returns at once
     */
    boolean pause(long timeoutMillis) throws InterruptedException {
        if (!pauseDue) {
            return false;
        }
        pauseDue = false;
        long now = System.nanoTime();
        long deadline = Math.min(receivedAtNanos + windowNanos,
                now + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 0)));
        if (deadline - now <= 0) {
            return false;
        }
        Thread self = Thread.currentThread();
        pausing = self;
        try {
            // parkNanos may return early for no reason: only a wake-up, an interrupt or the deadline ends the pause.
            long left;
            while (!wakeupPending && !self.isInterrupted() && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        }
        finally {
            pausing = null;
            wakeupPending = false;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }

    /** Ends a pause now, or makes the next one return at once if the loop thread is not pausing yet. */
    void wakeup() {
        wakeupPending = true;
        Thread thread = pausing;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
