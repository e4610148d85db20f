package dev.netcode.demo.game;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The whole game: players move across a bounded arena in the direction they last asked for and
 * collect coins. The server owns this state (clients only send inputs and draw snapshots), so
 * nobody can cheat by lying about positions. Thread-safe: inputs arrive on listener threads while
 * the game loop steps it.
 */
public final class Arena {

    public static final double WIDTH = 64;
    public static final double HEIGHT = 36;
    /** Units per second. */
    public static final double SPEED = 12;
    public static final int COINS = 3;
    /** How close a player must come to pick up a coin. */
    public static final double PICKUP_DISTANCE = 1.2;

    private final Random random;
    private final Map<Long, Player> players = new LinkedHashMap<>();
    private final List<Coin> coins = new ArrayList<>();
    private long tick;

    /** @param seed makes spawn and coin positions reproducible, for tests */
    public Arena(long seed) {
        this.random = new Random(seed);
        for (int i = 0; i < COINS; i++) {
            coins.add(randomCoin());
        }
    }

    /**
     * A player enters at a random spot with the lowest colour number no other player has (the
     * dashboard spaces colour numbers a golden angle apart in hue); joining twice keeps the
     * existing player.
     */
    public synchronized void join(long clientId, String name) {
        players.computeIfAbsent(clientId, id -> new Player(id, name, random.nextDouble() * WIDTH,
                random.nextDouble() * HEIGHT, freeColor()));
    }

    private int freeColor() {
        Set<Integer> taken = new HashSet<>();
        players.values().forEach(p -> taken.add(p.color));
        int color = 0;
        while (taken.contains(color)) {
            color++;
        }
        return color;
    }

    public synchronized void leave(long clientId) {
        players.remove(clientId);
    }

    /**
     * Records a player's latest input. {@code echo} is returned to that player in its next
     * snapshot, so the client can measure the round trip.
     */
    public synchronized void input(long clientId, Direction direction, long echo) {
        Player player = players.get(clientId);
        if (player != null) {
            player.direction = direction;
            player.echo = echo;
        }
    }

    /**
     * Advances the world by {@code seconds}: moves everyone, then awards coins.
     *
     * @return the names of the players who picked up a coin in this step, once per coin
     */
    public synchronized List<String> step(double seconds) {
        tick++;
        List<String> collected = new ArrayList<>(0);
        for (Player player : players.values()) {
            player.x = clamp(player.x + player.direction.dx * SPEED * seconds, WIDTH);
            player.y = clamp(player.y + player.direction.dy * SPEED * seconds, HEIGHT);
            for (int i = 0; i < coins.size(); i++) {
                Coin coin = coins.get(i);
                if (Math.hypot(coin.x() - player.x, coin.y() - player.y) <= PICKUP_DISTANCE) {
                    player.score++;
                    coins.set(i, randomCoin());
                    collected.add(player.name);
                }
            }
        }
        return collected;
    }

    /** An immutable copy of the world, safe to encode or serialise on any thread. */
    public synchronized World snapshot() {
        List<PlayerView> views = new ArrayList<>(players.size());
        for (Player p : players.values()) {
            views.add(new PlayerView(p.clientId, p.name, p.x, p.y, p.score, p.color, p.echo));
        }
        return new World(tick, List.copyOf(views), List.copyOf(coins));
    }

    public synchronized int playerCount() {
        return players.size();
    }

    private Coin randomCoin() {
        return new Coin(1 + random.nextDouble() * (WIDTH - 2), 1 + random.nextDouble() * (HEIGHT - 2));
    }

    private static double clamp(double value, double max) {
        return Math.max(0, Math.min(max, value));
    }

    private static final class Player {
        final long clientId;
        final String name;
        final int color;
        double x;
        double y;
        int score;
        Direction direction = Direction.NONE;
        long echo;

        Player(long clientId, String name, double x, double y, int color) {
            this.clientId = clientId;
            this.name = name;
            this.x = x;
            this.y = y;
            this.color = color;
        }
    }

    public record Coin(double x, double y) {
    }

    /** A player as seen in a snapshot; {@code echo} is that player's last input stamp. */
    public record PlayerView(long clientId, String name, double x, double y, int score, int color, long echo) {
    }

    /** The world at one tick. */
    public record World(long tick, List<PlayerView> players, List<Coin> coins) {
    }
}
