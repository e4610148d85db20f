package dev.netcode.demo.game;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chat lines and match events as the Java clients (bots, terminal client) write and read them on
 * the {@value GameChannels#EVENTS} channel: JSON, as the server's Jackson message converter reads
 * {@link ChatLine} and writes {@link GameEvent}. Thread-safe.
 */
public final class EventMessages {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EventMessages() {
    }

    public static byte[] chatLine(String text) {
        return JSON.writeValueAsBytes(new ChatLine(text));
    }

    /** The event in {@code buf[offset, offset + length)}, or {@code null} if it is not one. */
    public static GameEvent readEvent(byte[] buf, int offset, int length) {
        try {
            GameEvent event = JSON.readValue(buf, offset, length, GameEvent.class);
            return event != null && event.kind() != null ? event : null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }
}
