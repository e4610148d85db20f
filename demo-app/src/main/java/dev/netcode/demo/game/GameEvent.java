package dev.netcode.demo.game;

/**
 * Something that happened in the match, sent to every player on the {@value GameChannels#EVENTS}
 * channel (JSON, for example {@code {"kind":"CHAT","player":"alice","text":"hi"}}) and shown in the
 * dashboard's event feed and under the terminal client's arena.
 *
 * @param kind what happened
 * @param player who it happened to (or who spoke), as shown above the player in the arena
 * @param text the chat line or notice, {@code null} for the other kinds
 */
public record GameEvent(Kind kind, String player, String text) {

    public enum Kind {
        JOINED, LEFT, COLLECTED, CHAT,
        /** A word from the server to one player, for example why its chat line was refused. */
        NOTICE
    }

    public static GameEvent joined(String player) {
        return new GameEvent(Kind.JOINED, player, null);
    }

    public static GameEvent left(String player) {
        return new GameEvent(Kind.LEFT, player, null);
    }

    public static GameEvent collected(String player) {
        return new GameEvent(Kind.COLLECTED, player, null);
    }

    public static GameEvent chat(String player, String text) {
        return new GameEvent(Kind.CHAT, player, text);
    }

    public static GameEvent notice(String text) {
        return new GameEvent(Kind.NOTICE, "server", text);
    }

    /**
     * One line for people, for example {@code alice: hi} or {@code bob collected a coin}, with any
     * control character replaced, so that nothing a peer sends can move a terminal's cursor.
     */
    public String describe() {
        String who = printable(player);
        return switch (kind == null ? Kind.NOTICE : kind) {
            case JOINED -> who + " joined";
            case LEFT -> who + " left";
            case COLLECTED -> who + " collected a coin";
            case CHAT -> who + ": " + printable(text);
            case NOTICE -> "* " + printable(text);
        };
    }

    /** {@code text} with every control character as '?'; "" for {@code null}. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
