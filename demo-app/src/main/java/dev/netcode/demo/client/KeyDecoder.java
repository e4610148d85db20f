package dev.netcode.demo.client;

import dev.netcode.demo.game.Direction;

/**
 * Turns the bytes a terminal in raw mode sends into keys: arrow keys arrive as three bytes
 * ({@code ESC [ A} for up, {@code B} down, {@code C} right, {@code D} left), everything else as
 * one. WASD move too, space stops, {@code q} or Ctrl-C quits (raw mode turns Ctrl-C into a plain
 * byte 3 instead of a signal). Not thread-safe: feed it from one reader.
 */
final class KeyDecoder {

    enum Key {
        UP(Direction.UP), DOWN(Direction.DOWN), LEFT(Direction.LEFT), RIGHT(Direction.RIGHT), STOP(Direction.NONE),
        QUIT(null);

        /** Where this key sends the player, {@code null} for {@link #QUIT}. */
        final Direction direction;

        Key(Direction direction) {
            this.direction = direction;
        }
    }

    private static final int ESC = 27;

    /** How much of an escape sequence we have seen: 0 none, 1 ESC, 2 ESC [. */
    private int escape;

    /** The key {@code b} completes, or {@code null} if it completes none (yet). */
    Key feed(int b) {
        if (escape == 1) {
            escape = b == '[' ? 2 : 0;
            return null;
        }
        if (escape == 2) {
            escape = 0;
            return switch (b) {
                case 'A' -> Key.UP;
                case 'B' -> Key.DOWN;
                case 'C' -> Key.RIGHT;
                case 'D' -> Key.LEFT;
                default -> null;
            };
        }
        return switch (b) {
            case ESC -> {
                escape = 1;
                yield null;
            }
            case 'w', 'W' -> Key.UP;
            case 's', 'S' -> Key.DOWN;
            case 'a', 'A' -> Key.LEFT;
            case 'd', 'D' -> Key.RIGHT;
            case ' ' -> Key.STOP;
            case 'q', 'Q', 3 -> Key.QUIT;
            default -> null;
        };
    }
}
