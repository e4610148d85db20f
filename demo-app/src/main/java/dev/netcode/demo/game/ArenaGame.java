package dev.netcode.demo.game;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.netcode.boot.listener.NetcodeClientConnectedEvent;
import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.demo.DemoProperties;
import dev.netcode.message.MessageLimitException;

/**
 * The game server's logic, written against the starter's public API only: inputs arrive in a
 * {@code @NetcodeListener} of the {@value GameChannels#INPUTS} channel, players join and leave
 * through Spring events, and a fixed-rate loop steps the {@link Arena} and sends every player its
 * snapshot on the {@value GameChannels#SNAPSHOTS} channel. Match events (joins, departures, coins,
 * chat lines from the {@value GameChannels#EVENTS} channel) go to every player on that reliable
 * channel and to the spectators' {@link EventFeed}. In the {@code fleet} profile {@link FleetArenas}
 * runs one more of these, not as beans, for each arena of its own.
 */
@Component
public class ArenaGame implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ArenaGame.class);

    /** Chat lines one player may send per {@link #CHAT_WINDOW_NANOS}, so nobody floods everyone's reliable channel. */
    static final int CHAT_LINES_PER_WINDOW = 5;
    static final long CHAT_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Arena arena;
    private final EventFeed feed;
    private final NetcodeMessagingTemplate messaging;
    private final int tickRate;
    private final Map<Long, NetcodeSession> sessions = new ConcurrentHashMap<>();
    /** Per player: when its current chat window started (System.nanoTime) and the lines sent in it. */
    private final Map<Long, long[]> chatWindows = new ConcurrentHashMap<>();
    /** When each player's latest input arrived (System.nanoTime), so snapshots can say how long it waited. */
    private final Map<Long, Long> inputArrivals = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService loop;

    public ArenaGame(Arena arena, EventFeed feed, NetcodeMessagingTemplate messaging, DemoProperties properties) {
        this.arena = arena;
        this.feed = feed;
        this.messaging = messaging;
        this.tickRate = properties.getTickRate();
    }

    @NetcodeListener(GameChannels.INPUTS)
    void onInput(NetcodeSession player, ByteBuffer message) {
        GameMessages.Input input = GameMessages.readInput(message);
        if (input != null) {
            arena.input(player.clientId(), input.direction(), input.echo());
            inputArrivals.put(player.clientId(), System.nanoTime());
        }
    }

    /**
     * A chat line goes to everyone, under the name from the speaker's token. A refused one (empty,
     * too long, too many) is answered with a notice to the speaker alone: the returned event goes
     * back on the same channel.
     */
    @NetcodeListener(GameChannels.EVENTS)
    GameEvent onChat(NetcodeSession player, ChatLine line) {
        String text = line.cleaned();
        if (text == null) {
            return GameEvent.notice("chat lines are 1 to " + ChatLine.MAX_CHARACTERS + " characters");
        }
        if (!mayChat(player.clientId(), System.nanoTime())) {
            return GameEvent.notice("slow down: " + CHAT_LINES_PER_WINDOW + " lines per "
                    + TimeUnit.NANOSECONDS.toSeconds(CHAT_WINDOW_NANOS) + " seconds");
        }
        announce(GameEvent.chat(nameOf(player.userData()), text));
        return null;
    }

    /** One player's messages arrive one at a time, so its window is never updated twice at once. */
    private boolean mayChat(long clientId, long now) {
        long[] window = chatWindows.computeIfAbsent(clientId, id -> new long[] { now, 0 });
        if (now - window[0] >= CHAT_WINDOW_NANOS) {
            window[0] = now;
            window[1] = 0;
        }
        return ++window[1] <= CHAT_LINES_PER_WINDOW;
    }

    /**
     * Records {@code event} for spectators and sends it to every player, in one order for both:
     * events come from listener threads and the tick, hence the lock.
     */
    private synchronized void announce(GameEvent event) {
        feed.add(event);
        // A player whose event queue is full (one that stopped acking) is skipped, not the others.
        messaging.broadcast(GameChannels.EVENTS, event);
    }

    @EventListener
    void onJoin(NetcodeClientConnectedEvent event) {
        NetcodeSession player = event.getSession();
        String name = nameOf(player.userData());
        sessions.put(player.clientId(), player);
        arena.join(player.clientId(), name);
        log.info("{} joined the arena in slot {}", name, player.index());
        announce(GameEvent.joined(name));
    }

    @EventListener
    void onLeave(NetcodeClientDisconnectedEvent event) {
        long clientId = event.getSession().clientId();
        sessions.remove(clientId);
        inputArrivals.remove(clientId);
        chatWindows.remove(clientId);
        arena.leave(clientId);
        announce(GameEvent.left(nameOf(event.getSession().userData())));
    }

    /** The name the token endpoint put in the user data (see DemoSecurityConfiguration). */
    static String nameOf(byte[] userData) {
        int end = 0;
        while (end < userData.length && userData[end] != 0) {
            end++;
        }
        return end == 0 ? "player" : new String(userData, 0, end, StandardCharsets.UTF_8);
    }

    private void tick() {
        try {
            List<String> collectors = arena.step(1.0 / tickRate);
            Arena.World world = arena.snapshot();
            long now = System.nanoTime();
            for (NetcodeSession player : sessions.values()) {
                Long arrival = inputArrivals.get(player.clientId());
                long heldMicros = arrival == null ? 0 : (now - arrival) / 1_000;
                try {
                    player.send(GameChannels.SNAPSHOTS, GameMessages.snapshot(world, player.clientId(), heldMicros));
                }
                catch (MessageLimitException ex) {
                    log.debug("No snapshot for {} this tick: {}", player, ex.getMessage());
                }
            }
            collectors.forEach(name -> announce(GameEvent.collected(name)));
        }
        catch (RuntimeException ex) {
            log.warn("arena tick failed", ex);
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "arena-tick");
            thread.setDaemon(true);
            return thread;
        });
        long periodMicros = 1_000_000L / tickRate;
        executor.scheduleAtFixedRate(this::tick, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        loop = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = loop;
        if (executor != null) {
            executor.shutdownNow();
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    /** Players currently in the game. */
    public int playerCount() {
        return sessions.size();
    }
}
