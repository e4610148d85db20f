package dev.netcode.demo.game;

/** Where a player wants to go, as sent in each input. */
public enum Direction {

    NONE(0, 0), UP(0, -1), DOWN(0, 1), LEFT(-1, 0), RIGHT(1, 0);

    private static final Direction[] VALUES = values();

    final int dx;
    final int dy;

    Direction(int dx, int dy) {
        this.dx = dx;
        this.dy = dy;
    }

    /** The direction with wire code {@code code}, or {@link #NONE} for an unknown code. */
    public static Direction of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }

    public int code() {
        return ordinal();
    }
}
