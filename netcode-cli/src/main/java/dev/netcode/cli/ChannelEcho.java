package dev.netcode.cli;

import java.util.concurrent.atomic.AtomicLong;

import dev.netcode.message.MessageLimitException;
import dev.netcode.message.MessageServer;
import dev.netcode.message.ServerMessageHandler;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerEventHandler;

/**
 * The echo of {@code server --channels}: a {@link MessageServer} on the {@link EchoChannels}
 * config (one channel per delivery mode) that sends every message back to its sender on the
 * channel it came on. Connect and disconnect events go on to {@code events} (the echo server's
 * printer). Everything runs on the server's thread, where {@link MessageServer#send} queues
 * directly (no copy); the message leaves with the connection's next flush, which the server's
 * update after this receive makes when the flush interval allows.
 */
final class ChannelEcho implements ServerMessageHandler {

    private final ServerEventHandler events;
    private final MessageServer messages = new MessageServer(EchoChannels.CONFIG, this);
    final AtomicLong messagesIn = new AtomicLong();
    final AtomicLong messagesOut = new AtomicLong();
    /** Echoes the channel refused because its send queue or window for that client was full. */
    final AtomicLong messagesRefused = new AtomicLong();

    ChannelEcho(ServerEventHandler events) {
        this.events = events;
    }

    /** The server's event handler. */
    MessageServer handler() {
        return messages;
    }

    @Override
    public void onMessage(int slot, long clientId, int channel, byte[] buf, int offset, int length) {
        messagesIn.incrementAndGet();
        try {
            if (messages.send(slot, clientId, channel, buf, offset, length)) {
                messagesOut.incrementAndGet();
            }
        }
        catch (MessageLimitException ex) {
            messagesRefused.incrementAndGet();
        }
    }

    @Override
    public void onClientConnected(ClientSlot slot) {
        events.onClientConnected(slot);
    }

    @Override
    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
        events.onClientDisconnected(slot, reason);
    }
}
