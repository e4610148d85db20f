package dev.netcode.message;

import dev.netcode.client.ClientEventHandler;

/**
 * The application's side of a {@link MessageClient}: the client events, plus every delivered
 * message, on the client's thread. {@link #onPayload} is never called: with channels configured
 * every payload belongs to the message layer.
 */
public interface ClientMessageHandler extends ClientEventHandler {

    /**
     * A message arrived from the server on channel {@code channel}: exactly once, and in order on
     * {@link DeliveryMode#RELIABLE_ORDERED} channels. The buffer is only valid during the call.
     */
    void onMessage(int channel, byte[] buf, int offset, int length);

    /**
     * The server overflowed the receive window of reliable channel {@code channel}, which a correct
     * server never does; the client has disconnected (state {@link dev.netcode.client.ClientState#DISCONNECTED},
     * after sending disconnect packets). Called after the state change.
     */
    default void onReceiveWindowOverflow(int channel) {
    }
}
