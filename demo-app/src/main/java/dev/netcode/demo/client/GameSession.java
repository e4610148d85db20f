package dev.netcode.demo.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.demo.game.Direction;
import dev.netcode.demo.game.EventMessages;
import dev.netcode.demo.game.GameChannels;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.demo.game.GameMessages;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.message.ConnectionStats;
import dev.netcode.message.MessageLimitException;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * A player's connection to the arena, whatever draws it: connects a {@link NetcodeClient} with a
 * token and the demo's channels ({@link GameChannels}), sends inputs stamped with
 * {@link System#nanoTime()} on the inputs channel and chat lines on the events channel, and keeps
 * the latest snapshot, the last few match events and a smoothed round-trip time.
 *
 * <p>The round trip: the server copies the echo of the last input it applied into the player's
 * next snapshot, with how long it held that input waiting for the tick; {@code now - echo - held}
 * when a new echo comes back is the time there and back on the network.
 */
final class GameSession implements ClientMessageHandler, AutoCloseable {

    /** Match events kept for {@link #recentEvents()}. */
    static final int RECENT_EVENTS = 5;

    private final NetcodeClient client;
    private final BiConsumer<ClientState, ClientState> stateListener;
    private final Consumer<GameEvent> eventListener;
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final Deque<GameEvent> recentEvents = new ArrayDeque<>(RECENT_EVENTS + 1);
    private volatile GameMessages.Snapshot latest;
    private volatile double rttMillis = Double.NaN;
    private volatile int slot = -1;
    private volatile boolean everConnected;
    private long lastEcho; // client thread only

    /**
     * Starts connecting with {@code token}.
     *
     * @param stateListener told of each state change, on the client's thread
     * @param eventListener told of each match event as it arrives, on the client's thread
     */
    GameSession(byte[] token, BiConsumer<ClientState, ClientState> stateListener, Consumer<GameEvent> eventListener)
            throws InvalidConnectTokenException {
        this.stateListener = stateListener;
        this.eventListener = eventListener;
        this.client = NetcodeClient.start(TokenClient.bindAddressFor(token), GameChannels.CONFIG, this);
        client.connect(token);
    }

    /** Tells the server where to go; ignored until connected. */
    void send(Direction direction) {
        client.messages().send(GameChannels.INPUTS_ID, GameMessages.input(direction, System.nanoTime()), 0,
                GameMessages.INPUT_BYTES);
    }

    /**
     * Says {@code text} to everyone (the server refuses empty and overlong lines with a notice).
     *
     * @return false, sending nothing, when not connected or the line is over the channel's limit
     */
    boolean say(String text) {
        byte[] line = EventMessages.chatLine(text);
        try {
            return client.messages().send(GameChannels.EVENTS_ID, line, 0, line.length);
        }
        catch (MessageLimitException ex) {
            return false;
        }
    }

    @Override
    public void onStateChanged(ClientState previous, ClientState current) {
        if (current == ClientState.CONNECTED) {
            slot = client.client().clientIndex(); // safe: events run on the client's thread
            everConnected = true;
        }
        stateListener.accept(previous, current);
    }

    @Override
    public void onMessage(int channel, byte[] buf, int offset, int length) {
        if (channel == GameChannels.SNAPSHOTS_ID) {
            onSnapshot(buf, offset, length);
        }
        else if (channel == GameChannels.EVENTS_ID) {
            GameEvent event = EventMessages.readEvent(buf, offset, length);
            if (event != null) {
                synchronized (recentEvents) {
                    recentEvents.addLast(event);
                    if (recentEvents.size() > RECENT_EVENTS) {
                        recentEvents.removeFirst();
                    }
                }
                events.incrementAndGet();
                eventListener.accept(event);
            }
        }
    }

    private void onSnapshot(byte[] buf, int offset, int length) {
        GameMessages.Snapshot snapshot = GameMessages.readSnapshot(buf, offset, length);
        if (snapshot == null) {
            return;
        }
        latest = snapshot;
        snapshots.incrementAndGet();
        // Several snapshots carry the same echo until our next input arrives: measure the first only.
        if (snapshot.you() >= 0 && snapshot.echo() != 0 && snapshot.echo() != lastEcho) {
            lastEcho = snapshot.echo();
            double sample = (System.nanoTime() - snapshot.echo()) / 1e6 - snapshot.heldMicros() / 1e3;
            double previous = rttMillis;
            rttMillis = Double.isNaN(previous) ? sample : previous + 0.1 * (sample - previous);
        }
    }

    ClientState state() {
        return client.state();
    }

    /** The slot the server gave us, or -1 before we connected. */
    int slot() {
        return slot;
    }

    boolean everConnected() {
        return everConnected;
    }

    /** Smoothed round-trip time in milliseconds, NaN until the first echo came back. */
    double rttMillis() {
        return rttMillis;
    }

    /** {@link #rttMillis()} with one decimal, or "-" until known. */
    String rttText() {
        double rtt = rttMillis;
        return Double.isNaN(rtt) ? "-" : String.format(Locale.ROOT, "%.1f", rtt);
    }

    long snapshotsReceived() {
        return snapshots.get();
    }

    long eventsReceived() {
        return events.get();
    }

    /** The last {@link #RECENT_EVENTS} match events, oldest first. */
    List<GameEvent> recentEvents() {
        synchronized (recentEvents) {
            return List.copyOf(recentEvents);
        }
    }

    /** The message layer's smoothed packet loss with one decimal, or "-" when not connected. */
    String lossText() {
        ConnectionStats stats = client.messages().stats();
        return stats == null ? "-" : String.format(Locale.ROOT, "%.1f", stats.packetLossPercent());
    }

    /** The newest snapshot, or {@code null} before the first. */
    GameMessages.Snapshot latest() {
        return latest;
    }

    /** Our score in the newest snapshot, 0 before we appear in one. */
    int score() {
        GameMessages.Snapshot snapshot = latest;
        return snapshot == null || snapshot.you() < 0 ? 0 : snapshot.players().get(snapshot.you()).score();
    }

    int players() {
        GameMessages.Snapshot snapshot = latest;
        return snapshot == null ? 0 : snapshot.players().size();
    }

    /** Disconnects cleanly (the server frees our slot at once) and ends the client's thread. */
    @Override
    public void close() {
        client.close();
    }
}
