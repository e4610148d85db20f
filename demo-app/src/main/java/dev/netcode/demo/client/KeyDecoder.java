package dev.netcode.demo.client;

import java.nio.charset.StandardCharsets;

import dev.netcode.demo.game.ChatLine;
import dev.netcode.demo.game.Direction;

/**
 * Turns the bytes a terminal in raw mode sends into keys: arrow keys arrive as three bytes
 * ({@code ESC [ A} for up, {@code B} down, {@code C} right, {@code D} left), everything else as
 * one. WASD move too, space stops, {@code q} or Ctrl-C quits (raw mode turns Ctrl-C into a plain
 * byte 3 instead of a signal), {@code t} starts a chat line.
 *
 * <p>While a chat line is typed every printable byte (UTF-8 included) goes into the line, up to
 * {@link ChatLine#MAX_CHARACTERS} characters; Backspace deletes the last character, Enter ends the
 * line ({@link Key#SAY}, an empty one cancels), arrow keys are ignored and Ctrl-C still quits.
 * Not thread-safe: feed it from one reader.
 */
final class KeyDecoder {

    enum Key {
        UP(Direction.UP), DOWN(Direction.DOWN), LEFT(Direction.LEFT), RIGHT(Direction.RIGHT), STOP(Direction.NONE),
        QUIT(null),
        /** {@code t}: a chat line begins. */
        CHAT(null),
        /** The chat line being typed changed. */
        EDIT(null),
        /** Enter ended the chat line: {@link KeyDecoder#takeLine()} has it. */
        SAY(null);

        /** Where this key sends the player, {@code null} for the keys that do not move. */
        final Direction direction;

        Key(Direction direction) {
            this.direction = direction;
        }
    }

    private static final int ESC = 27;
    private static final int MAX_LINE_BYTES = 4 * ChatLine.MAX_CHARACTERS;

    /** How much of an escape sequence we have seen: 0 none, 1 ESC, 2 ESC [. */
    private int escape;
    /** Whether a chat line is being typed. */
    private boolean typing;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int lineLength;

    /** The key {@code b} completes, or {@code null} if it completes none (yet). */
    Key feed(int b) {
        if (escape == 1) {
            escape = b == '[' ? 2 : 0;
            return null;
        }
        if (escape == 2) {
            escape = 0;
            if (typing) {
                return null;
            }
            return switch (b) {
                case 'A' -> Key.UP;
                case 'B' -> Key.DOWN;
                case 'C' -> Key.RIGHT;
                case 'D' -> Key.LEFT;
                default -> null;
            };
        }
        if (b == ESC) {
            escape = 1;
            return null;
        }
        if (b == 3) {
            return Key.QUIT;
        }
        return typing ? type(b) : key(b);
    }

    private Key key(int b) {
        return switch (b) {
            case 'w', 'W' -> Key.UP;
            case 's', 'S' -> Key.DOWN;
            case 'a', 'A' -> Key.LEFT;
            case 'd', 'D' -> Key.RIGHT;
            case ' ' -> Key.STOP;
            case 'q', 'Q' -> Key.QUIT;
            case 't', 'T' -> {
                typing = true;
                lineLength = 0;
                yield Key.CHAT;
            }
            default -> null;
        };
    }

    /** A byte of the chat line being typed. */
    private Key type(int b) {
        switch (b) {
            case '\r', '\n' -> {
                typing = false;
                return Key.SAY;
            }
            case 127, '\b' -> {
                // Drop UTF-8 continuation bytes (10xxxxxx), then the character's first byte.
                while (lineLength > 0 && (line[lineLength - 1] & 0xC0) == 0x80) {
                    lineLength--;
                }
                lineLength = Math.max(0, lineLength - 1);
                return Key.EDIT;
            }
            default -> {
                boolean continuation = (b & 0xC0) == 0x80;
                if (b < 32 || lineLength == MAX_LINE_BYTES
                        || (!continuation && characters() == ChatLine.MAX_CHARACTERS)) {
                    return null;
                }
                line[lineLength++] = (byte) b;
                return Key.EDIT;
            }
        }
    }

    private int characters() {
        int count = 0;
        for (int i = 0; i < lineLength; i++) {
            if ((line[i] & 0xC0) != 0x80) {
                count++;
            }
        }
        return count;
    }

    boolean typing() {
        return typing;
    }

    /** The chat line typed so far. */
    String line() {
        return new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }

    /** The chat line ended by {@link Key#SAY}; the next one starts empty. */
    String takeLine() {
        String text = line();
        lineLength = 0;
        return text;
    }
}
