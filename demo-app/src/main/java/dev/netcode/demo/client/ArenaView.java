package dev.netcode.demo.client;

import java.util.Arrays;

import dev.netcode.demo.game.Arena;
import dev.netcode.demo.game.GameMessages;

/**
 * Draws a snapshot as text: the arena scaled to {@code columns × rows} characters inside a border,
 * {@code @} for you, a letter for everyone else (the same letter for the same player every frame),
 * {@code $} for coins. Terminal cells are about twice as tall as wide, so the 64 × 36 arena looks
 * right at 64 × 18.
 */
final class ArenaView {

    private final int columns;
    private final int rows;

    ArenaView(int columns, int rows) {
        this.columns = columns;
        this.rows = rows;
    }

    int columns() {
        return columns;
    }

    /** A whole frame, lines ended by CR LF because a raw-mode terminal does not add the CR itself. */
    String render(GameMessages.Snapshot snapshot) {
        char[][] cells = new char[rows][columns];
        for (char[] row : cells) {
            Arrays.fill(row, ' ');
        }
        if (snapshot != null) {
            for (Arena.Coin coin : snapshot.coins()) {
                put(cells, coin.x(), coin.y(), '$');
            }
            for (int i = 0; i < snapshot.players().size(); i++) {
                GameMessages.SnapshotPlayer player = snapshot.players().get(i);
                if (i != snapshot.you()) {
                    put(cells, player.x(), player.y(), (char) ('a' + player.id() % 26));
                }
            }
            if (snapshot.you() >= 0) { // drawn last, so you are never hidden
                GameMessages.SnapshotPlayer you = snapshot.players().get(snapshot.you());
                put(cells, you.x(), you.y(), '@');
            }
        }
        String border = "+" + "-".repeat(columns) + "+\r\n";
        StringBuilder frame = new StringBuilder(border);
        for (char[] row : cells) {
            frame.append('|').append(row).append("|\r\n");
        }
        return frame.append(border).toString();
    }

    private void put(char[][] cells, double x, double y, char c) {
        int column = Math.min(columns - 1, (int) (x / Arena.WIDTH * columns));
        int row = Math.min(rows - 1, (int) (y / Arena.HEIGHT * rows));
        cells[row][column] = c;
    }
}
