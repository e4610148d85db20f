package dev.netcode.boot.message;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.netcode.message.ConnectionStats;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageLimitException;
import dev.netcode.message.MessageServer;

/**
 * Sends objects as channel messages to the clients of the netcode server, converted to bytes by
 * the {@link NetcodeMessageConverters}: to one client ({@link #send}) or to every connected client
 * ({@link #broadcast}). Exists when {@code netcode.channels} are configured; thread-safe.
 *
 * <p>Limits are checked at the call: a message over its channel's {@code max-message-size}, or one
 * that a client's full send queue or window cannot take, throws {@link MessageLimitException}
 * naming the limit, and nothing is sent. To one client from a listener, prefer
 * {@link dev.netcode.boot.listener.NetcodeSession#send(String, Object)}.
 *
 * <pre class="code">
 * &#064;Scheduled(fixedRate = 50)
 * void tick() {
 *     messaging.broadcast("snapshots", world.snapshot());   // an unreliable(-sequenced) channel
 * }
 * </pre>
 */
public class NetcodeMessagingTemplate {

    private final MessageServer messages;

    private final NetcodeMessageConverters converters;

    public NetcodeMessagingTemplate(MessageServer messages, NetcodeMessageConverters converters) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.converters = Objects.requireNonNull(converters, "converters");
    }

    /**
     * Sends {@code message} on {@code channel} to client {@code clientId} in slot {@code slot}, if
     * that client still holds the slot.
     *
     * @return {@code false}, sending nothing, when that client no longer holds the slot
     * @throws MessageLimitException naming the limit the message runs into; nothing is sent
     * @throws NetcodeMessageConversionException if no converter can write the message
     * @throws IllegalArgumentException for a channel that is not configured
     */
    public boolean send(int slot, long clientId, String channel, Object message) {
        int id = messages.config().requireChannelId(channel);
        byte[] bytes = converters.write(message);
        return messages.send(slot, clientId, id, bytes, 0, bytes.length);
    }

    /**
     * Sends {@code message} on {@code channel} to every connected client whose channel has room;
     * a client whose send queue or window is full is skipped and counted in its channel's
     * {@code sendsRefused}.
     *
     * @return how many clients it was sent to
     * @throws MessageLimitException when the message is over the channel's max-message-size
     * @throws NetcodeMessageConversionException if no converter can write the message
     * @throws IllegalArgumentException for a channel that is not configured
     */
    public int broadcast(String channel, Object message) {
        int id = messages.config().requireChannelId(channel);
        byte[] bytes = converters.write(message);
        return messages.broadcast(id, bytes, 0, bytes.length);
    }

    /**
     * The latest measurements of the connection of client {@code clientId} in slot {@code slot} (at
     * most {@value MessageServer#STATS_INTERVAL_SECONDS} s old), or {@code null} when that client no
     * longer holds the slot.
     */
    public @Nullable ConnectionStats stats(int slot, long clientId) {
        if (!messages.isConnected(slot, clientId)) {
            return null;
        }
        ConnectionStats stats = messages.stats(slot);
        // The slot may have changed hands between the two reads.
        return messages.isConnected(slot, clientId) ? stats : null;
    }

    /** The channels: their ids, names, delivery modes and limits. */
    public MessageConfig config() {
        return messages.config();
    }

    /** The message layer below. */
    public MessageServer messageServer() {
        return messages;
    }

    /** The converters messages are written with. */
    public NetcodeMessageConverters converters() {
        return converters;
    }
}
