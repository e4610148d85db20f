package dev.netcode.demo.game;

import dev.netcode.message.ChannelConfig;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;

/**
 * The demo's three channels, as the Java clients (bots and terminal client) configure their
 * {@link dev.netcode.message.MessageClient}. The server's come from {@code netcode.channels} in
 * {@code application.yml}; both must be equal (same channels, ids in alphabetical order of the
 * names, same limits), which {@code DemoApplicationIntegrationTest} checks against the running application.
 *
 * <ul>
 * <li>{@value #EVENTS} (reliable-ordered, both ways): match events from the server ({@link GameEvent}:
 * joined, left, collected a coin, chat lines) and chat lines from players ({@link ChatLine}), JSON;
 * each arrives exactly once and in order, however many packets are lost.</li>
 * <li>{@value #INPUTS} (unreliable-sequenced, client to server): the player's direction,
 * {@link GameMessages#input}; a late input is worth nothing, so it is neither re-sent nor waited for,
 * and one older than an input already applied is dropped.</li>
 * <li>{@value #SNAPSHOTS} (unreliable-sequenced, server to client): the world,
 * {@link GameMessages#snapshot}; the next one replaces a lost one 50 ms later.</li>
 * </ul>
 */
public final class GameChannels {

    public static final String EVENTS = "events";
    public static final String INPUTS = "inputs";
    public static final String SNAPSHOTS = "snapshots";

    /** Largest event or chat line on the wire; a {@link ChatLine} of {@link ChatLine#MAX_CHARACTERS} fits. */
    public static final int MAX_EVENT_BYTES = 512;

    /** Largest snapshot: {@link GameMessages#MAX_PLAYERS} players fit. */
    public static final int MAX_SNAPSHOT_BYTES = 1200;

    public static final MessageConfig CONFIG = MessageConfig.of(
            new ChannelConfig(EVENTS, DeliveryMode.RELIABLE_ORDERED, MAX_EVENT_BYTES, 16 * 1024, 64),
            new ChannelConfig(INPUTS, DeliveryMode.UNRELIABLE_SEQUENCED, GameMessages.INPUT_BYTES, 1024, 256),
            new ChannelConfig(SNAPSHOTS, DeliveryMode.UNRELIABLE_SEQUENCED, MAX_SNAPSHOT_BYTES, 16 * 1024, 256));

    public static final int EVENTS_ID = CONFIG.requireChannelId(EVENTS);
    public static final int INPUTS_ID = CONFIG.requireChannelId(INPUTS);
    public static final int SNAPSHOTS_ID = CONFIG.requireChannelId(SNAPSHOTS);

    private GameChannels() {
    }
}
