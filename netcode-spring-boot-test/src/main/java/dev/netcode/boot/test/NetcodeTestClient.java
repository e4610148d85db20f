package dev.netcode.boot.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.jspecify.annotations.Nullable;

import dev.netcode.boot.listener.NetcodeClientConnectedEvent;
import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.boot.listener.NetcodeClientEvent;
import dev.netcode.boot.token.IssuedConnectToken;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.client.NetcodeClient;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.message.MessageClient;
import dev.netcode.message.MessageConfig;
import dev.netcode.transport.Transport;

/**
 * A real netcode client of the application's game server, made by {@link NetcodeTestClients}: it
 * is connected, sends payloads (or, when the application runs channels, messages on a channel) and
 * waits, with a timeout, for what the server sends back and for the application's events about it.
 * A wait that times out fails with an {@link AssertionError} that says what was waited for, the
 * client's state and what it sent and received, e.g. {@code client 1000001: no payload within 5 s
 * (state CONNECTED; 3 payloads sent, 0 received)}.
 *
 * <p>Thread-safe; the waits are for the test's thread. On the simulated network waits do not move
 * the clock: advance it with {@link NetcodeSimulation#advance}.
 */
public final class NetcodeTestClient implements AutoCloseable {

    /** The timeout of the waits without one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** How long {@link #close()} waits for the application's event about the client leaving. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    /** Slot 0 of the counters for raw payloads; channel {@code i} uses slot {@code i}. */
    private static final int PAYLOADS = 0;

    private final NetcodeTestClients owner;

    private final long clientId;

    private final @Nullable MessageConfig channels;

    private final NetcodeClient client;

    /** The client's channels, or {@code null} for raw payloads. */
    private final @Nullable MessageClient messages;

    /** What the server sent, per channel (one queue for raw payloads). */
    private final BlockingQueue<byte[]>[] received;

    private final AtomicIntegerArray sentCount;

    private final AtomicIntegerArray receivedCount;

    /** Events before this one are another client's business. */
    private final int firstEvent;

    @SuppressWarnings({ "unchecked", "rawtypes" })
    NetcodeTestClient(NetcodeTestClients owner, long clientId, Transport transport, @Nullable MessageConfig channels) {
        this.owner = owner;
        this.clientId = clientId;
        this.channels = channels;
        int queues = (channels != null) ? channels.channels().size() : 1;
        this.received = new BlockingQueue[queues];
        for (int i = 0; i < queues; i++) {
            this.received[i] = new LinkedBlockingQueue<>();
        }
        this.sentCount = new AtomicIntegerArray(queues);
        this.receivedCount = new AtomicIntegerArray(queues);
        this.firstEvent = owner.eventCount();
        double startTime = (owner.simulation() != null) ? owner.simulation().now() : 0.0;
        if (channels != null) {
            this.messages = new MessageClient(channels, new ClientMessageHandler() {

                @Override
                public void onMessage(int channel, byte[] buf, int offset, int length) {
                    receive(channel, buf, offset, length);
                }
            });
            this.client = NetcodeClient.start(new ClientStateMachine(transport, this.messages, startTime));
            this.messages.attach(this.client);
        }
        else {
            this.messages = null;
            this.client = NetcodeClient.start(new ClientStateMachine(transport, new ClientEventHandler() {

                @Override
                public void onPayload(byte[] buf, int offset, int length, long sequence) {
                    receive(PAYLOADS, buf, offset, length);
                }
            }, startTime));
        }
    }

    private void receive(int queue, byte[] buf, int offset, int length) {
        receivedCount.incrementAndGet(queue);
        received[queue].add(Arrays.copyOfRange(buf, offset, offset + length));
    }

    void connect(IssuedConnectToken token) {
        client.connect(token.token());
        boolean settled = owner.awaitHandshake(() -> connected() || client.state().isError(), DEFAULT_TIMEOUT);
        if (!connected()) {
            ClientState state = client.state();
            close();
            throw new AssertionError("client " + clientId + " did not connect to the game server: "
                    + (settled ? "it ended in state " + state : "still " + state + " after " + seconds(DEFAULT_TIMEOUT))
                    + " (server addresses in its token: " + token.servers() + ")");
        }
    }

    /** Connected, and with channels the message connection up too. */
    private boolean connected() {
        return client.state() == ClientState.CONNECTED && (messages == null || messages.isConnected());
    }

    /** The client id in the connect token. */
    public long clientId() {
        return clientId;
    }

    /** The client's state as of its last update. */
    public ClientState state() {
        return client.state();
    }

    /**
     * Sends {@code payload} (1 to 1200 bytes) to the server.
     *
     * @throws IllegalStateException when the application runs channels: send on one of them
     * @throws AssertionError when the client is not connected (the payload would be lost)
     */
    public void send(byte[] payload) {
        if (channels != null) {
            throw new IllegalStateException("the application's server runs channels " + channelNames()
                    + ": send a message on one with send(channel, message)");
        }
        requireConnected("send a payload");
        client.sendPayload(payload, 0, payload.length);
        sentCount.incrementAndGet(PAYLOADS);
    }

    /**
     * Sends {@code message} on {@code channel}, as the application's clients do.
     *
     * @throws IllegalStateException when the application runs no channels, or has none of that name
     * @throws AssertionError when the client is not connected (the message would be lost)
     */
    public void send(String channel, byte[] message) {
        int id = channelId(channel);
        requireConnected("send on '" + channel + "'");
        if (!messages.send(id, message)) {
            throw failure("could not send on '" + channel + "'", "");
        }
        sentCount.incrementAndGet(id);
    }

    /** Sends {@code text} in UTF-8 on {@code channel}, as {@link #send(String, byte[])}. */
    public void send(String channel, String text) {
        send(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next payload from the server, waiting up to {@link #DEFAULT_TIMEOUT}. */
    public byte[] awaitPayload() {
        return awaitPayload(DEFAULT_TIMEOUT);
    }

    /**
     * The next payload from the server, waiting up to {@code timeout}.
     *
     * @throws AssertionError if none comes in time
     * @throws IllegalStateException when the application runs channels: wait for a message on one
     */
    public byte[] awaitPayload(Duration timeout) {
        if (channels != null) {
            throw new IllegalStateException("the application's server runs channels " + channelNames()
                    + ": wait for a message on one with awaitMessage(channel)");
        }
        return next(PAYLOADS, timeout, "no payload", "payloads");
    }

    /** The next message from the server on {@code channel}, waiting up to {@link #DEFAULT_TIMEOUT}. */
    public byte[] awaitMessage(String channel) {
        return awaitMessage(channel, DEFAULT_TIMEOUT);
    }

    /**
     * The next message from the server on {@code channel}, waiting up to {@code timeout}.
     *
     * @throws AssertionError if none comes in time
     */
    public byte[] awaitMessage(String channel, Duration timeout) {
        return next(channelId(channel), timeout, "no message on '" + channel + "'", "messages on '" + channel + "'");
    }

    /** As {@link #awaitMessage(String)}, read as UTF-8. */
    public String awaitText(String channel) {
        return awaitText(channel, DEFAULT_TIMEOUT);
    }

    /** As {@link #awaitMessage(String, Duration)}, read as UTF-8. */
    public String awaitText(String channel, Duration timeout) {
        return new String(awaitMessage(channel, timeout), StandardCharsets.UTF_8);
    }

    private byte[] next(int queue, Duration timeout, String missing, String what) {
        BlockingQueue<byte[]> arrivals = received[queue];
        if (!owner.await(() -> !arrivals.isEmpty(), timeout)) {
            throw failure(missing + " within " + seconds(timeout),
                    "; " + sentCount.get(queue) + " " + what + " sent, " + receivedCount.get(queue) + " received");
        }
        return arrivals.poll();
    }

    /**
     * Waits up to {@code timeout} until the client is in {@code expected}.
     *
     * @throws AssertionError naming the state it is in if it does not get there
     */
    public void awaitState(ClientState expected, Duration timeout) {
        if (!owner.await(() -> client.state() == expected, timeout)) {
            throw failure("not " + expected + " within " + seconds(timeout), "");
        }
    }

    /**
     * Waits up to {@code timeout} until the client is neither connecting nor connected, and returns
     * the state it ended in ({@link ClientState#CONNECTION_TIMED_OUT}, {@link ClientState#DISCONNECTED}
     * when the server disconnected it, ...).
     *
     * @throws AssertionError if it is still active
     */
    public ClientState awaitDisconnected(Duration timeout) {
        if (!owner.await(() -> !client.state().isActive(), timeout)) {
            throw failure("still connected after " + seconds(timeout), "");
        }
        return client.state();
    }

    /**
     * The application's first {@code type} event ({@link NetcodeClientConnectedEvent},
     * {@link NetcodeClientDisconnectedEvent}) about this client since it
     * was made, waiting up to {@code timeout} for it to be published.
     *
     * @throws AssertionError if none is published in time
     */
    public <E extends NetcodeClientEvent> E awaitServerEvent(Class<E> type, Duration timeout) {
        NetcodeClientEvent[] found = new NetcodeClientEvent[1];
        boolean published = owner.await(() -> (found[0] = findEvent(type)) != null, timeout);
        if (!published) {
            throw failure("the application published no " + type.getSimpleName() + " for it within "
                    + seconds(timeout), "");
        }
        return type.cast(found[0]);
    }

    /** Disconnects cleanly (the server hears of it at once), leaving the client to be closed. */
    public void disconnect() {
        client.disconnect();
    }

    /** Disconnects cleanly if connected and frees the client's socket; done after every test anyway. */
    @Override
    public void close() {
        boolean wasConnected = client.state() == ClientState.CONNECTED;
        client.close();
        if (owner.simulation() != null) {
            // Its disconnect packets went out as it closed; hand them to the server now.
            owner.simulation().runDue();
        }
        if (wasConnected && findEvent(NetcodeClientConnectedEvent.class) != null) {
            // The application publishes events: wait (briefly, without failing) for the one about this client
            // leaving, so that a later client with the same id never takes it for its own.
            owner.await(() -> findEvent(NetcodeClientDisconnectedEvent.class) != null, CLOSE_WAIT);
        }
    }

    private @Nullable NetcodeClientEvent findEvent(Class<? extends NetcodeClientEvent> type) {
        return owner.findEvent(firstEvent,
                (event) -> type.isInstance(event) && event.getSession().clientId() == clientId);
    }

    private void requireConnected(String action) {
        if (client.state() != ClientState.CONNECTED) {
            throw failure("cannot " + action + ": not connected", "");
        }
    }

    private int channelId(String channel) {
        if (channels == null) {
            throw new IllegalStateException("the application's server runs no channels (netcode.channels): "
                    + "send payloads with send(payload) and wait for them with awaitPayload()");
        }
        int id = channels.channelId(channel);
        if (id < 0) {
            throw new IllegalStateException("the application has no channel '" + channel + "'; its channels are "
                    + channelNames());
        }
        return id;
    }

    private String channelNames() {
        return channels.channels().stream().map((channel) -> channel.name()).toList().toString();
    }

    private AssertionError failure(String what, String counts) {
        return new AssertionError("client " + clientId + ": " + what + " (state " + client.state() + counts + ")");
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
    }

    @Override
    public String toString() {
        return "NetcodeTestClient[client " + clientId + ", " + client.state() + "]";
    }
}
