package dev.netcode.client;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.message.MessageClient;
import dev.netcode.message.MessageConfig;
import dev.netcode.packet.PacketCodec;
import dev.netcode.transport.TransportLoop;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportProvider;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UpdateLoop;

/**
 * A netcode client running in real time: the thread-safe face of a {@link ClientStateMachine},
 * driven on a thread of its own (a {@link TransportLoop}, or its transport's event loop), so other threads can connect, send and
 * wait for state changes. The client's events arrive on that thread.
 */
public final class NetcodeClient implements AutoCloseable {

    private final ClientStateMachine client;
    private final UpdateLoop loop;
    private final Object stateMonitor = new Object();
    private volatile ClientState state;
    private volatile MessageClient messages;
    private volatile String transportName;

    private NetcodeClient(ClientStateMachine client) {
        this.client = Objects.requireNonNull(client, "client");
        this.state = client.state();
        this.loop = client.transport().newLoop("netcode-client-" + client.localAddress().port(),
                client.time(), now -> {
                    client.update(now);
                    publishState();
                }, client::nextUpdateTime, () -> {
                    client.close();
                    publishState();
                });
    }

    /** Drives {@code client} on a new thread. */
    public static NetcodeClient start(ClientStateMachine client) {
        NetcodeClient runtime = new NetcodeClient(client);
        runtime.loop.start();
        return runtime;
    }

    /**
     * Binds a UDP socket to {@code bindAddress} (port 0 for any) on the {@link TransportSelection#AUTO} transport
     * and drives a new client on it.
     */
    public static NetcodeClient start(NetcodeAddress bindAddress, ClientEventHandler events) {
        return start(bindAddress, TransportSelection.AUTO, events);
    }

    /**
     * Binds a UDP socket to {@code bindAddress} (port 0 for any) on the {@code transport} selected and drives a new
     * client on it.
     *
     * @throws IllegalStateException if that transport cannot run here; the message says what to fix
     */
    public static NetcodeClient start(NetcodeAddress bindAddress, TransportSelection transport, ClientEventHandler events) {
        TransportProvider provider = TransportSelection.resolve(transport);
        NetcodeClient runtime = new NetcodeClient(
                new ClientStateMachine(provider.bind(bindAddress, TransportOptions.defaults()), events, 0.0));
        runtime.transportName = provider.name();
        runtime.loop.start();
        return runtime;
    }

    /**
     * Binds a UDP socket to {@code bindAddress} (on the {@link TransportSelection#AUTO} transport) and
     * drives a new client whose payloads are messages on the channels of {@code config} (the server
     * must use an equal config): send with {@link #messages()}, receive through {@code handler}.
     */
    public static NetcodeClient start(NetcodeAddress bindAddress, MessageConfig config, ClientMessageHandler handler) {
        MessageClient messageClient = new MessageClient(config, handler);
        TransportProvider provider = TransportSelection.resolve(TransportSelection.AUTO);
        NetcodeClient runtime = new NetcodeClient(
                new ClientStateMachine(provider.bind(bindAddress, TransportOptions.defaults()), messageClient, 0.0));
        runtime.transportName = provider.name();
        runtime.messages = messageClient;
        messageClient.attach(runtime);
        runtime.loop.start();
        return runtime;
    }

    /**
     * The name of the transport provider a client started with a bind address binds ({@code native}, {@code epoll},
     * {@code nio}); {@code null} for a client started on a state machine.
     */
    public String transportName() {
        return transportName;
    }

    /**
     * The channels of a client started with a {@link MessageConfig}: send messages (from any
     * thread), read the connection's stats; {@code null} for a client of raw payloads.
     */
    public MessageClient messages() {
        return messages;
    }

    /** Seconds on the client's update clock. */
    public double now() {
        return loop.now();
    }

    private void publishState() {
        ClientState current = client.state();
        if (current != state) {
            synchronized (stateMonitor) {
                state = current;
                stateMonitor.notifyAll();
            }
        }
    }

    /** Runs {@code command} on the client's thread, soon. */
    public void execute(Runnable command) {
        loop.execute(command);
    }

    /**
     * Starts connecting with a 2048-byte connect token, as {@link ClientStateMachine#connect(byte[])}
     * does: a token this client already used is refused ({@link ClientState#INVALID_CONNECT_TOKEN}),
     * so get a fresh one for every connection.
     */
    public void connect(byte[] connectToken) {
        byte[] copy = connectToken.clone();
        execute(() -> {
            client.connect(copy);
            publishState();
        });
    }

    /** Sends {@code payload[offset, offset + length)} (1..1200 bytes) if connected; a copy is queued. */
    public void sendPayload(byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        if (loop.isLoopThread()) {
            client.sendPayload(payload, offset, length);
            return;
        }
        byte[] copy = Arrays.copyOfRange(payload, offset, offset + length);
        execute(() -> client.sendPayload(copy, 0, copy.length));
    }

    /** Disconnects cleanly (10 disconnect packets if connecting or connected). */
    public void disconnect() {
        execute(() -> {
            client.disconnect();
            publishState();
        });
    }

    /** The client's state as of its last update. */
    public ClientState state() {
        return state;
    }

    /**
     * Waits until the state satisfies {@code condition}, the runtime ends, or {@code timeoutMillis}
     * pass; returns the state at that moment.
     */
    public ClientState awaitState(Predicate<ClientState> condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (stateMonitor) {
            while (!condition.test(state)) {
                long remaining = (deadline - System.nanoTime()) / 1_000_000L;
                if (remaining <= 0 || !loop.isAlive()) {
                    break;
                }
                stateMonitor.wait(Math.min(remaining, 100));
            }
            return state;
        }
    }

    /** The client; touch it only from its own thread (inside events or {@link #execute}). */
    public ClientStateMachine client() {
        return client;
    }

    /** Disconnects cleanly, ends the thread and closes the client and its transport. */
    @Override
    public void close() {
        if (loop.isAlive()) {
            loop.stop(5_000);
        }
    }
}
