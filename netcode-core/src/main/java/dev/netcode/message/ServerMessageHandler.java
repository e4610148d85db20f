package dev.netcode.message;

import dev.netcode.server.ServerEventHandler;

/**
 * The application's side of a {@link MessageServer}: the server events, plus every delivered
 * message. Everything arrives on the server's thread. {@link #onPayload} is never called: with
 * channels configured every payload belongs to the message layer.
 */
public interface ServerMessageHandler extends ServerEventHandler {

    /**
     * A message arrived on channel {@code channel} from client {@code clientId} in slot
     * {@code slot}: exactly once, and in order on {@link DeliveryMode#RELIABLE_ORDERED} channels.
     * The buffer is only valid during the call; copy what you keep. Sending from here (to any
     * client) is fine.
     */
    void onMessage(int slot, long clientId, int channel, byte[] buf, int offset, int length);
}
