package dev.netcode.message;

import java.util.Arrays;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.client.NetcodeClient;

/**
 * Channels on a netcode client: a {@link MessageConnection} while the client is connected. Give it
 * to the {@link ClientStateMachine} as its event handler (or start a client with
 * {@link NetcodeClient#start(dev.netcode.address.NetcodeAddress, MessageConfig, ClientMessageHandler)},
 * which does); it turns payloads into messages for the {@link ClientMessageHandler} and passes the
 * other events on. The server must use an equal {@link MessageConfig}.
 *
 * <p>{@link #send} may be called from any thread once {@link #attach attached} to a
 * {@link NetcodeClient}: limits are checked at the call, the message is copied and handed to the
 * client's thread. A server that overflows a reliable receive window is disconnected from (see
 * {@link ClientMessageHandler#onReceiveWindowOverflow}). {@link #stats()} reads a picture published
 * every {@value MessageServer#STATS_INTERVAL_SECONDS} s by the client's thread.
 */
public final class MessageClient implements ClientEventHandler {

    private static final Logger log = LoggerFactory.getLogger(MessageClient.class);

    private final MessageConfig config;
    private final ClientMessageHandler handler;
    private volatile NetcodeClient runtime;
    private volatile Thread clientThread;
    private ClientStateMachine client;
    private volatile MessageConnection connection;
    private volatile ConnectionStats stats;
    private double statsTime;
    private volatile int overflowChannel = -1;

    public MessageClient(MessageConfig config, ClientMessageHandler handler) {
        this.config = Objects.requireNonNull(config, "config");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Lets threads other than the client's send, through {@code runtime}'s command queue. */
    public void attach(NetcodeClient runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        runtime.execute(() -> client = runtime.client());
    }

    public MessageConfig config() {
        return config;
    }

    /**
     * Queues {@code message[offset, offset + length)} on {@code channel} for the server.
     *
     * @return false, queueing nothing, when not connected
     * @throws MessageLimitException naming the limit when the message is over its channel's
     *         {@link ChannelConfig#maxMessageBytes()} or the channel's send queue or window is full
     * @throws IllegalArgumentException for an unknown channel id
     */
    public boolean send(int channel, byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        MessageConnection current = connection;
        if (current == null) {
            return false;
        }
        NetcodeClient attached = runtime;
        if (attached == null || Thread.currentThread() == clientThread) {
            current.send(channel, message, offset, length);
            return true;
        }
        current.reserve(channel, length);
        byte[] copy = Arrays.copyOfRange(message, offset, offset + length);
        attached.execute(() -> {
            if (connection == current) {
                current.sendReserved(channel, copy, 0, copy.length);
            }
        });
        return true;
    }

    /** As {@link #send(int, byte[], int, int)} for the whole array. */
    public boolean send(int channel, byte[] message) {
        return send(channel, message, 0, message.length);
    }

    /** As {@link #send(int, byte[], int, int)} with the channel's name. */
    public boolean send(String channel, byte[] message) {
        return send(config.requireChannelId(channel), message, 0, message.length);
    }

    /** Whether a message connection is up (the client is connected). */
    public boolean isConnected() {
        return connection != null;
    }

    /** The latest published picture of the connection, or {@code null} when not connected; any thread. */
    public ConnectionStats stats() {
        return connection == null ? null : stats;
    }

    /** The channel the server overflowed on the last connection, or -1. */
    public int overflowChannel() {
        return overflowChannel;
    }

    /** The connection, or {@code null} when not connected; on the client's thread only. */
    public MessageConnection connection() {
        return connection;
    }

    // ---- client events, on the client's thread ----------------------------------------------------

    @Override
    public void onStateChanged(ClientState previous, ClientState current) {
        if (current == ClientState.CONNECTED) {
            open();
        }
        else if (previous == ClientState.CONNECTED) {
            connection = null;
        }
        handler.onStateChanged(previous, current);
    }

    private void open() {
        double now = client == null ? 0 : client.time();
        MessageConnection opened = new MessageConnection(config, now, this::sendPayload, this::deliver);
        overflowChannel = -1;
        stats = opened.stats();
        statsTime = now;
        connection = opened;
    }

    private void sendPayload(byte[] payload, int offset, int length) {
        if (client != null) {
            client.sendPayload(payload, offset, length);
        }
    }

    private void deliver(int channel, byte[] buf, int offset, int length) {
        try {
            handler.onMessage(channel, buf, offset, length);
        }
        catch (RuntimeException | Error ex) {
            log.warn("client message handler onMessage threw for a message on channel '{}'; the client carries on",
                    config.channel(channel).name(), ex);
        }
    }

    @Override
    public void onPayload(byte[] buf, int offset, int length, long sequence) {
        MessageConnection current = connection;
        if (current == null) {
            return;
        }
        current.receivePayload(buf, offset, length);
        if (current.isOverflowed() && connection == current) {
            int channel = current.overflowChannel();
            log.info("the server overflowed the receive window of channel '{}'; disconnecting",
                    config.channel(channel).name());
            if (client != null) {
                client.disconnect();
            }
            connection = null;
            overflowChannel = channel;
            handler.onReceiveWindowOverflow(channel);
        }
    }

    @Override
    public void onUpdate(ClientStateMachine machine, double time) {
        client = machine;
        clientThread = Thread.currentThread();
        MessageConnection current = connection;
        if (current != null) {
            current.update(time);
            if (time - statsTime >= MessageServer.STATS_INTERVAL_SECONDS) {
                stats = current.stats();
                statsTime = time;
            }
        }
        handler.onUpdate(machine, time);
    }

    @Override
    public double nextUpdateTime() {
        MessageConnection current = connection;
        double next = handler.nextUpdateTime();
        return current == null ? next : Math.min(next, current.nextUpdateTime());
    }
}
