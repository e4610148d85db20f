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
}
