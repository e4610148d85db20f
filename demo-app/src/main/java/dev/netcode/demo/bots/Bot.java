package dev.netcode.demo.bots;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.demo.client.TokenClient;
import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.Direction;
import dev.netcode.demo.game.EventMessages;
import dev.netcode.demo.game.GameChannels;
import dev.netcode.demo.game.GameMessages;
import dev.netcode.message.ClientMessageHandler;

/**
 * One bot: a real netcode client that plays like a person would, through the front door. It logs
 * in over HTTP for a connect token, connects over UDP with the demo's channels
 * ({@link GameChannels}), then sends an input ten times a second on the inputs channel, wandering
 * at random with a pull toward the nearest coin, and now and then says something on the events
 * channel. When it loses its connection (kicked, timed out, token refused) it waits a moment and
 * starts over with a fresh token.
 *
 * <p>{@link #tick} runs on the fleet's shared scheduler, never twice at once; the client's events
 * arrive on the client's own thread, hence the volatile fields between them.
 */
final class Bot implements ClientMessageHandler {

    private static final Logger log = LoggerFactory.getLogger(Bot.class);
    private static final Direction[] MOVES = { Direction.UP, Direction.DOWN, Direction.LEFT, Direction.RIGHT };
    private static final String[] GREETINGS = { "hi all", "gl hf", "that coin is mine", "beep boop", "gg" };

    private final String name;
    private final String password;
    private final TokenClient tokens;
    private final Runnable onConnected;
    private final Random random;
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    // Written by the client's thread, read by the scheduler and by tests.
    private volatile boolean connected;
    private volatile boolean lost = true;
    private volatile long retryAtNanos;
    private volatile GameMessages.Snapshot latest;

    // Scheduler only.
    private NetcodeClient client;
    private Direction direction = Direction.NONE;
    private long nextTurnNanos;
    private long nextChatNanos;
    private boolean greeted;
    private int failures;

    Bot(String name, String password, TokenClient tokens, Runnable onConnected, long seed) {
        this.name = name;
        this.password = password;
        this.tokens = tokens;
        this.onConnected = onConnected;
        this.random = new Random(seed);
    }

    /** Called about ten times a second: (re)connects when needed, otherwise plays. */
    void tick() {
        long now = System.nanoTime();
        if (lost) {
            if (now - retryAtNanos >= 0) {
                reconnect(now);
            }
            return;
        }
        if (!connected) {
            return; // still connecting; the client's own timeouts end in an error state if it fails
        }
        failures = 0;
        if (now - nextTurnNanos >= 0) {
            direction = chooseDirection();
            nextTurnNanos = now + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(1500));
        }
        client.messages().send(GameChannels.INPUTS_ID, GameMessages.input(direction, now), 0, GameMessages.INPUT_BYTES);
        if (!greeted || now - nextChatNanos >= 0) {
            byte[] line = EventMessages.chatLine(GREETINGS[random.nextInt(GREETINGS.length)]);
            client.messages().send(GameChannels.EVENTS_ID, line, 0, line.length);
            greeted = true;
            // A line every minute or so: eight bots keep the feed alive without drowning it.
            nextChatNanos = now + TimeUnit.SECONDS.toNanos(30 + random.nextInt(60));
        }
    }

    private void reconnect(long now) {
        closeClient();
        try {
            byte[] token = tokens.fetch(name, password);
            client = NetcodeClient.start(TokenClient.bindAddressFor(token), GameChannels.CONFIG, this);
            greeted = false;
            lost = false; // before connect(): its first event may already say the token was refused
            client.connect(token);
            log.debug("{} connecting", name);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            // Back off longer after each failure in a row (1, 2, 4, 8 s), so a fleet does not hammer
            // a server that is down or a rate limiter that said no.
            failures++;
            retryAtNanos = now + TimeUnit.SECONDS.toNanos(1L << Math.min(failures - 1, 3));
            log.debug("{} could not get a token ({}), retrying later", name, ex.toString());
        }
    }

    /** Half the time toward the nearest coin, otherwise anywhere (including standing still). */
    private Direction chooseDirection() {
        GameMessages.Snapshot world = latest;
        if (world != null && world.you() >= 0 && !world.coins().isEmpty() && random.nextBoolean()) {
            GameMessages.SnapshotPlayer me = world.players().get(world.you());
            Arena.Coin nearest = world.coins().get(0);
            for (Arena.Coin coin : world.coins()) {
                if (Math.hypot(coin.x() - me.x(), coin.y() - me.y()) < Math.hypot(nearest.x() - me.x(), nearest.y() - me.y())) {
                    nearest = coin;
                }
            }
            double dx = nearest.x() - me.x();
            double dy = nearest.y() - me.y();
            if (Math.abs(dx) > Math.abs(dy)) {
                return dx > 0 ? Direction.RIGHT : Direction.LEFT;
            }
            return dy > 0 ? Direction.DOWN : Direction.UP;
        }
        return random.nextInt(8) == 0 ? Direction.NONE : MOVES[random.nextInt(MOVES.length)];
    }

    @Override
    public void onStateChanged(ClientState previous, ClientState current) {
        log.debug("{}: {} -> {}", name, previous, current);
        if (current == ClientState.CONNECTED) {
            connected = true;
            onConnected.run();
        }
        else if (current.isError() || current == ClientState.DISCONNECTED) {
            connected = false;
            // Not at once: a server that just kicked us should not see us again in the same breath.
            retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000 + random.nextInt(1000));
            lost = true;
        }
    }

    @Override
    public void onMessage(int channel, byte[] buf, int offset, int length) {
        if (channel == GameChannels.SNAPSHOTS_ID) {
            GameMessages.Snapshot snapshot = GameMessages.readSnapshot(buf, offset, length);
            if (snapshot != null) {
                latest = snapshot;
                snapshots.incrementAndGet();
            }
        }
        else if (channel == GameChannels.EVENTS_ID && EventMessages.readEvent(buf, offset, length) != null) {
            events.incrementAndGet();
        }
    }

    /** Leaves the game: disconnect packets to the server, then the client's thread ends. */
    void stop() {
        closeClient();
        lost = true;
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
        connected = false;
    }

    String name() {
        return name;
    }

    boolean isConnected() {
        return connected;
    }

    long snapshotsReceived() {
        return snapshots.get();
    }

    long eventsReceived() {
        return events.get();
    }
}
