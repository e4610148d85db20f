package dev.netcode.demo.web;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.EventFeed;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerSnapshot;

/**
 * The spectator view behind the dashboard: {@code GET /arena/stream} is a server-sent event stream
 * of the whole arena, about ten frames a second, and of the match events: an {@code events} event
 * with the {@link EventFeed} entries a viewer has not had yet (all those retained when it
 * connects), each once. One scheduled task takes a snapshot, encodes it once and sends it to every
 * viewer, so a viewer costs a connection, not a thread. The stream is public, so it carries names,
 * positions, scores, each player's server slot (so the dashboard can name the rows of the slot
 * table) and the events' text only: no client ids, no addresses.
 */
@RestController
class ArenaStreamController implements SmartLifecycle {

    static final int MAX_VIEWERS = 100;
    private static final long FRAME_MILLIS = 100;
    /** Browsers reconnect by themselves when a stream ends; this bounds how long one may live. */
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(ArenaStreamController.class);

    private final Arena arena;
    private final EventFeed feed;
    private final JsonMapper json;
    /** Each connected client's slot index, by client id. */
    private final Supplier<Map<Long, Integer>> slots;
    /** Each viewer with the sequence of the last event it was sent (read and written by the stream's thread only). */
    private final Map<SseEmitter, long[]> viewers = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;

    @Autowired
    ArenaStreamController(Arena arena, EventFeed feed, JsonMapper json, NetcodeServer server) {
        // While the game server is stopped (shutting down, restarting) spectators still get the arena, without slots.
        this(arena, feed, json, () -> !server.isRunning() ? Map.of() : server.snapshot().clients().stream()
            .collect(Collectors.toMap(ServerSnapshot.Client::clientId, ServerSnapshot.Client::index, (a, b) -> a)));
    }

    ArenaStreamController(Arena arena, EventFeed feed, JsonMapper json, Supplier<Map<Long, Integer>> slots) {
        this.arena = arena;
        this.feed = feed;
        this.json = json;
        this.slots = slots;
    }

    @GetMapping(path = "/arena/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> stream() {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        if (!admit(emitter)) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").build();
        }
        emitter.onCompletion(() -> viewers.remove(emitter));
        emitter.onTimeout(emitter::complete);
        emitter.onError(ex -> viewers.remove(emitter));
        return ResponseEntity.ok(emitter);
    }

    private synchronized boolean admit(SseEmitter emitter) {
        if (scheduler == null || viewers.size() >= MAX_VIEWERS) {
            return false;
        }
        viewers.put(emitter, new long[] { 0 });
        return true;
    }

    private void broadcast() {
        if (viewers.isEmpty()) {
            return;
        }
        String frame;
        List<EventFeed.Entry> events;
        try {
            frame = json.writeValueAsString(Frame.of(arena.snapshot(), slots.get()));
            events = feed.since(0);
        }
        catch (RuntimeException ex) {
            log.warn("Could not encode the arena for spectators", ex);
            return;
        }
        // Viewers are mostly up to date, so a few distinct backlogs cover them all: encode each once.
        Map<Long, String> backlogs = new HashMap<>();
        long newest = events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
        for (Map.Entry<SseEmitter, long[]> viewer : viewers.entrySet()) {
            long[] lastSent = viewer.getValue();
            try {
                viewer.getKey().send(SseEmitter.event().data(frame));
                if (lastSent[0] < newest) {
                    String backlog = backlogs.computeIfAbsent(lastSent[0], after -> json.writeValueAsString(
                            events.stream().filter(e -> e.sequence() > after).map(FeedLine::of).toList()));
                    viewer.getKey().send(SseEmitter.event().name("events").data(backlog));
                    lastSent[0] = newest;
                }
            }
            catch (IOException | RuntimeException ex) {
                // The viewer has gone; the container reports it and Spring MVC completes the request.
                viewers.remove(viewer.getKey());
            }
        }
    }

    @Override
    public synchronized void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "arena-stream");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::broadcast, FRAME_MILLIS, FRAME_MILLIS, TimeUnit.MILLISECONDS);
        scheduler = executor;
    }

    /** Runs before the web server's graceful shutdown, which would otherwise wait for open streams. */
    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        for (SseEmitter viewer : viewers.keySet()) {
            viewer.complete();
        }
        viewers.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Viewers connected right now. */
    int viewerCount() {
        return viewers.size();
    }

    /** What spectators see of one tick; coordinates in arena units, rounded to hundredths. */
    record Frame(long tick, double width, double height, List<Player> players, List<Coin> coins) {

        static Frame of(Arena.World world, Map<Long, Integer> slots) {
            return new Frame(world.tick(), Arena.WIDTH, Arena.HEIGHT,
                    world.players().stream()
                        .map(p -> new Player(p.name(), round(p.x()), round(p.y()), p.score(), p.color(),
                                slots.get(p.clientId())))
                        .toList(),
                    world.coins().stream().map(c -> new Coin(round(c.x()), round(c.y()))).toList());
        }

        private static double round(double value) {
            return Math.round(value * 100) / 100.0;
        }
    }

    /** A player; {@code slot} is null for the moment between leaving the server and the arena. */
    record Player(String name, double x, double y, int score, int color, @Nullable Integer slot) {
    }

    /**
     * One match event as spectators see it: its number in the feed, when it happened, its kind
     * ({@code JOINED}, {@code LEFT}, {@code COLLECTED}, {@code CHAT}) and a line to show.
     */
    record FeedLine(long sequence, long epochMillis, String kind, String line) {

        static FeedLine of(EventFeed.Entry entry) {
            return new FeedLine(entry.sequence(), entry.epochMillis(), entry.event().kind().name(),
                    entry.event().describe());
        }
    }

    record Coin(double x, double y) {
    }
}
