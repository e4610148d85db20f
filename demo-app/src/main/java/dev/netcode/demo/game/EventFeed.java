package dev.netcode.demo.game;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The latest match events, numbered, for spectators: the dashboard shows them next to the arena
 * (players get them on the {@value GameChannels#EVENTS} channel instead). Holds the last
 * {@link #RETAINED}; thread-safe.
 */
public final class EventFeed {

    public static final int RETAINED = 20;

    private final Deque<Entry> recent = new ArrayDeque<>(RETAINED + 1);
    private long lastSequence;

    /** Records {@code event} as the newest entry, dropping the oldest beyond {@link #RETAINED}. */
    public synchronized Entry add(GameEvent event) {
        Entry entry = new Entry(++lastSequence, System.currentTimeMillis(), event);
        recent.addLast(entry);
        if (recent.size() > RETAINED) {
            recent.removeFirst();
        }
        return entry;
    }

    /** The retained entries numbered above {@code sequence}, oldest first. */
    public synchronized List<Entry> since(long sequence) {
        List<Entry> newer = new ArrayList<>();
        for (Entry entry : recent) {
            if (entry.sequence() > sequence) {
                newer.add(entry);
            }
        }
        return newer;
    }

    /**
     * @param sequence 1 for the first event, then one more for each
     * @param epochMillis when it happened
     */
    public record Entry(long sequence, long epochMillis, GameEvent event) {
    }
}
