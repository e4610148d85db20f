package dev.netcode.client;

/**
 * Receives client events on the thread that calls {@link ClientStateMachine#update}. The payload buffer
 * is only valid during the call.
 */
public interface ClientEventHandler {

    default void onStateChanged(ClientState previous, ClientState current) {
    }

    /** A payload of {@code length} bytes at {@code buf[offset)} arrived from the server. */
    default void onPayload(byte[] buf, int offset, int length, long sequence) {
    }

    /**
     * Called at the end of every {@link ClientStateMachine#update}, for work of the handler's own
     * that falls due with time (the message layer flushes and re-sends here). Does nothing by default.
     */
    default void onUpdate(ClientStateMachine client, double time) {
    }

    /**
     * The latest time by which the handler needs {@link #onUpdate} again, read after every update;
     * {@code +Infinity} (the default) when it needs none. {@link ClientStateMachine#nextUpdateTime()}
     * takes it into account.
     */
    default double nextUpdateTime() {
        return Double.POSITIVE_INFINITY;
    }
}
