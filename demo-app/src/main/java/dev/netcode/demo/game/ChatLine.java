package dev.netcode.demo.game;

/**
 * What a player says, sent to the server on the {@value GameChannels#EVENTS} channel as JSON
 * ({@code {"text":"hi"}}). The server, not the client, puts the speaker's name on it: it comes from
 * the connect token, so nobody can speak as someone else.
 */
public record ChatLine(String text) {

    /** Longest line the server passes on, in characters (code points). */
    public static final int MAX_CHARACTERS = 100;

    /**
     * The line as the server passes it on: trimmed, control characters removed, or {@code null}
     * when nothing is left or it is longer than {@link #MAX_CHARACTERS}.
     */
    public String cleaned() {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(c -> !Character.isISOControl(c)).forEach(out::appendCodePoint);
        String cleaned = out.toString().strip();
        int characters = cleaned.codePointCount(0, cleaned.length());
        return characters == 0 || characters > MAX_CHARACTERS ? null : cleaned;
    }
}
