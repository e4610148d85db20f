package dev.netcode.server;

/**
 * Receives server events on the thread that calls {@link ServerStateMachine#update}. Methods must
 * return quickly: they run inside the receive loop. The {@link ClientSlot} and the payload buffer
 * are only valid during the call; copy what you keep.
 */
public interface ServerEventHandler {

    /** A client completed the handshake and holds {@code slot}. */
    default void onClientConnected(ClientSlot slot) {
    }

    /** A payload of {@code length} bytes at {@code buf[offset)} arrived from the client in {@code slot}. */
    default void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
    }

    /**
     * The client in {@code slot} is gone. The slot is already free ({@link ClientSlot#isConnected()} is
     * false, the connected count lowered, sends to it do nothing) while its client id, address and user
     * data stay readable until this returns. The handler may give the slot to a loopback client
     * ({@link ServerStateMachine#connectLoopbackClient}), which then keeps it.
     */
    default void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
    }

    /**
     * Called at the end of every {@link ServerStateMachine#update}, after receiving, keep-alives and
     * timeouts, for work of the handler's own that falls due with time (the message layer flushes
     * and re-sends here). Does nothing by default.
     */
    default void onUpdate(ServerStateMachine server, double time) {
    }

    /**
     * The latest time (on the update clock) by which the handler needs {@link #onUpdate} again, read
     * after every update; {@code +Infinity} (the default) when it needs none. The server's
     * {@link ServerStateMachine#nextUpdateTime()} takes it into account, so a real-time loop wakes for it.
     */
    default double nextUpdateTime() {
        return Double.POSITIVE_INFINITY;
    }
}
