package dev.netcode.message;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;

/**
 * Channels on a netcode server: one {@link MessageConnection} per connected slot, created when the
 * client connects and dropped when it leaves. Give it to the server as its event handler; it
 * turns payloads into messages for the {@link ServerMessageHandler} and passes the other events on:
 *
 * <pre>{@code
 * MessageServer messages = new MessageServer(MessageConfig.of(
 *         ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED),
 *         ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED)), handler);
 * NetcodeServer server = new NetcodeServer(ServerConfig.builder(protocolId, key).eventHandler(messages).build(),
 *         bindAddress, 64);
 * messages.attach(server);   // for sends from other threads
 * server.start();
 * }</pre>
 *
 * <p>{@link #send} and {@link #broadcast} may be called from any thread: the channel's limits are
 * checked at the call (a {@link MessageLimitException} means nothing was queued), then a message
 * from another thread is copied and handed to the server's thread through
 * {@link NetcodeServer#execute}; on the server's thread (inside events) it is queued directly,
 * without copying. A client that overflows a reliable receive window is disconnected with
 * {@link DisconnectReason#RECEIVE_WINDOW_OVERFLOW}. {@link #stats(int)} reads a picture of a slot's
 * connection published by the server's thread every {@value #STATS_INTERVAL_SECONDS} s.
 *
 * <p>Driven by {@link ServerStateMachine} alone (a test on a simulated network), without
 * {@link #attach}, every call must come from the thread that updates it.
 */
public final class MessageServer implements ServerEventHandler {

    private static final Logger log = LoggerFactory.getLogger(MessageServer.class);

    /** Seconds between two publications of a connection's {@link ConnectionStats}. */
    public static final double STATS_INTERVAL_SECONDS = 0.1;

    private final MessageConfig config;
    private final ServerMessageHandler handler;
    private final AtomicReferenceArray<Session> sessions = new AtomicReferenceArray<>(ServerConfig.MAX_CLIENTS_LIMIT);
    private volatile NetcodeServer server;
    private volatile Thread serverThread;
    /**
     * Slots of the running server, as of its last update; sessions live below this index. Volatile:
     * a broadcast from another thread sizes its scan by it, and a stale value would skip clients.
     */
    private volatile int maxClients;

    /** One connected client's message connection. */
    private final class Session {
        final int slot;
        final long clientId;
        final MessageConnection connection;
        volatile ConnectionStats stats;
        double statsTime;

        Session(ClientSlot clientSlot) {
            this.slot = clientSlot.index();
            this.clientId = clientSlot.clientId();
            this.connection = new MessageConnection(config, clientSlot.connectTime(), clientSlot::send, this::deliver);
            this.stats = connection.stats();
            this.statsTime = clientSlot.connectTime();
        }

        private void deliver(int channel, byte[] buf, int offset, int length) {
            try {
                handler.onMessage(slot, clientId, channel, buf, offset, length);
            }
            catch (RuntimeException | Error ex) {
                // The rest of the packet must still be delivered: one bad message costs itself only.
                log.warn("server message handler onMessage threw for a message on channel '{}'; the server carries on",
                        config.channel(channel).name(), ex);
            }
        }
    }

    public MessageServer(MessageConfig config, ServerMessageHandler handler) {
        this.config = Objects.requireNonNull(config, "config");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Lets threads other than the server's send, through {@code server}'s command queue. Call once,
     * before sending from other threads.
     *
     * @throws IllegalArgumentException if {@code server} has more than one shard: the message layer runs on one
     *         server thread ({@link dev.netcode.server.ServerConfig.Builder#shards(int)})
     */
    public void attach(NetcodeServer server) {
        int shards = Objects.requireNonNull(server, "server").config().shards();
        if (shards > 1) {
            throw new IllegalArgumentException("the message layer runs on one server thread, and this netcode server "
                    + "has " + shards + " shards (event loops): set its shards to 1 to use channels");
        }
        this.server = server;
    }

    public MessageConfig config() {
        return config;
    }

    // ---- sending, from any thread -----------------------------------------------------------------

    /**
     * Queues {@code message[offset, offset + length)} on {@code channel} for client {@code clientId}
     * in slot {@code slot}.
     *
     * @return false, queueing nothing, when that client does not hold the slot (any more)
     * @throws MessageLimitException naming the limit when the message is over its channel's
     *         {@link ChannelConfig#maxMessageBytes()} or the channel's send queue or window for this
     *         client is full; nothing is queued
     * @throws IllegalArgumentException for an unknown channel id
     */
    public boolean send(int slot, long clientId, int channel, byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        Session session = session(slot);
        if (session == null || session.clientId != clientId) {
            return false;
        }
        if (onServerThread()) {
            session.connection.send(channel, message, offset, length);
            return true;
        }
        session.connection.reserve(channel, length);
        byte[] copy = Arrays.copyOfRange(message, offset, offset + length);
        server.executeAfterPause(machine -> {
            if (sessions.get(slot) == session) {
                session.connection.sendReserved(channel, copy, 0, copy.length);
            }
        });
        return true;
    }

    /** As {@link #send(int, long, int, byte[], int, int)} for the whole array. */
    public boolean send(int slot, long clientId, int channel, byte[] message) {
        return send(slot, clientId, channel, message, 0, message.length);
    }

    /** As {@link #send(int, long, int, byte[], int, int)} with the channel's name. */
    public boolean send(int slot, long clientId, String channel, byte[] message) {
        return send(slot, clientId, config.requireChannelId(channel), message, 0, message.length);
    }

    /**
     * Queues {@code message[offset, offset + length)} on {@code channel} for every connected client
     * whose channel has room. A client whose send queue or window is full (one that stopped acking,
     * say) is skipped and counted in its {@link ChannelStats#sendsRefused()}, so one stalled client
     * cannot hold back everyone else's messages.
     *
     * @return the number of clients it was queued for
     * @throws MessageLimitException when the message is over its channel's
     *         {@link ChannelConfig#maxMessageBytes()}; nothing is queued for anyone then
     * @throws IllegalArgumentException for an unknown channel id
     */
    public int broadcast(int channel, byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        ChannelConfig channelConfig = config.channel(channel);
        if (length > channelConfig.maxMessageBytes()) {
            throw MessageLimitException.tooLarge(channelConfig, length);
        }
        // The sessions with room are kept at the front of the same array.
        Session[] targets = connectedSessions();
        int queued = 0;
        for (Session session : targets) {
            if (session.connection.tryReserve(channel, length)) {
                targets[queued++] = session;
            }
        }
        if (onServerThread()) {
            for (int i = 0; i < queued; i++) {
                targets[i].connection.sendReserved(channel, message, offset, length);
            }
            return queued;
        }
        byte[] copy = Arrays.copyOfRange(message, offset, offset + length);
        int count = queued;
        server.executeAfterPause(machine -> {
            for (int i = 0; i < count; i++) {
                if (sessions.get(targets[i].slot) == targets[i]) {
                    targets[i].connection.sendReserved(channel, copy, 0, copy.length);
                }
            }
        });
        return queued;
    }

    /** As {@link #broadcast(int, byte[], int, int)} with the channel's name. */
    public int broadcast(String channel, byte[] message) {
        return broadcast(config.requireChannelId(channel), message, 0, message.length);
    }

    private boolean onServerThread() {
        NetcodeServer attached = server;
        if (attached == null) {
            return true;
        }
        return Thread.currentThread() == serverThread;
    }

    // ---- queries ---------------------------------------------------------------------------------

    /**
     * The latest published picture of slot {@code slot}'s connection (at most
     * {@value #STATS_INTERVAL_SECONDS} s old), or {@code null} when no client holds it; any thread.
     */
    public ConnectionStats stats(int slot) {
        Session session = session(slot);
        return session == null ? null : session.stats;
    }

    /** Whether client {@code clientId} holds slot {@code slot} with a message connection; any thread. */
    public boolean isConnected(int slot, long clientId) {
        Session session = session(slot);
        return session != null && session.clientId == clientId;
    }

    /** Slot {@code slot}'s connection, or {@code null}; on the server's thread only. */
    public MessageConnection connection(int slot) {
        Session session = session(slot);
        return session == null ? null : session.connection;
    }

    private Session session(int slot) {
        return slot >= 0 && slot < sessions.length() ? sessions.get(slot) : null;
    }

    private Session[] connectedSessions() {
        int count = 0;
        Session[] found = new Session[Math.max(1, maxClients)];
        for (int i = 0; i < sessions.length() && count < found.length; i++) {
            Session session = sessions.get(i);
            if (session != null) {
                found[count++] = session;
            }
        }
        return Arrays.copyOf(found, count);
    }

    // ---- server events, on the server's thread ----------------------------------------------------

    @Override
    public void onClientConnected(ClientSlot slot) {
        sessions.set(slot.index(), new Session(slot));
        maxClients = Math.max(maxClients, slot.index() + 1);
        handler.onClientConnected(slot);
    }

    @Override
    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
        Session session = sessions.get(slot.index());
        if (session == null) {
            return;
        }
        MessageConnection connection = session.connection;
        // The slot's receive time is the server's clock now; the connection's is its last update's.
        connection.receivePayload(slot.lastReceiveTime(), buf, offset, length);
        if (connection.isOverflowed() && sessions.get(slot.index()) == session) {
            log.info("client {} in slot {} overflowed the receive window of channel '{}'; disconnecting it",
                    Long.toUnsignedString(session.clientId), slot.index(),
                    config.channel(connection.overflowChannel()).name());
            slot.disconnect(DisconnectReason.RECEIVE_WINDOW_OVERFLOW);
        }
    }

    @Override
    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
        sessions.set(slot.index(), null);
        handler.onClientDisconnected(slot, reason);
    }

    @Override
    public void onUpdate(ServerStateMachine machine, double time) {
        serverThread = Thread.currentThread();
        maxClients = machine.maxClients();
        for (int i = 0; i < maxClients; i++) {
            Session session = sessions.get(i);
            if (session == null) {
                continue;
            }
            session.connection.update(time);
            if (time - session.statsTime >= STATS_INTERVAL_SECONDS) {
                session.stats = session.connection.stats();
                session.statsTime = time;
            }
        }
        handler.onUpdate(machine, time);
    }

    @Override
    public double nextUpdateTime() {
        double next = handler.nextUpdateTime();
        for (int i = 0; i < maxClients; i++) {
            Session session = sessions.get(i);
            if (session != null) {
                next = Math.min(next, session.connection.nextUpdateTime());
            }
        }
        return next;
    }
}
