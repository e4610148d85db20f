package dev.netcode.demo.game;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import dev.netcode.demo.DemoProperties;

/**
 * The game server's logic, written against the starter's public API only: inputs arrive in a
 * {@code @NetcodeListener}, players join and leave through Spring events, and a fixed-rate loop
 * steps the {@link Arena} and sends every player its snapshot.
 */
@Component
public class ArenaGame implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ArenaGame.class);

    private final Arena arena;
    private final int tickRate;
    private final Map<Long, NetcodeSession> sessions = new ConcurrentHashMap<>();
    /** When each player's latest input arrived (System.nanoTime), so snapshots can say how long it waited. */
    private final Map<Long, Long> inputArrivals = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService loop;

    public ArenaGame(Arena arena, DemoProperties properties) {
        this.arena = arena;
        this.tickRate = properties.getTickRate();
    }

    @NetcodeListener
    void onInput(NetcodeSession player, ByteBuffer payload) {
        GameMessages.Input input = GameMessages.readInput(payload);
        if (input != null) {
            arena.input(player.clientId(), input.direction(), input.echo());
            inputArrivals.put(player.clientId(), System.nanoTime());
        }
    }

    @EventListener
    void onJoin(NetcodeClientConnectedEvent event) {
        NetcodeSession player = event.getSession();
        String name = nameOf(player.userData());
        sessions.put(player.clientId(), player);
        arena.join(player.clientId(), name);
        log.info("{} joined the arena in slot {}", name, player.index());
    }

    @EventListener
    void onLeave(NetcodeClientDisconnectedEvent event) {
        sessions.remove(event.getSession().clientId());
        inputArrivals.remove(event.getSession().clientId());
        arena.leave(event.getSession().clientId());
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
            arena.step(1.0 / tickRate);
            Arena.World world = arena.snapshot();
            long now = System.nanoTime();
            for (NetcodeSession player : sessions.values()) {
                Long arrival = inputArrivals.get(player.clientId());
                long heldMicros = arrival == null ? 0 : (now - arrival) / 1_000;
                player.send(GameMessages.snapshot(world, player.clientId(), heldMicros));
            }
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
