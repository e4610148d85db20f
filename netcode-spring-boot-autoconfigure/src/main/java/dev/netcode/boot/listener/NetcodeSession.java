package dev.netcode.boot.listener;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.message.NetcodeMessageConversionException;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.message.ConnectionStats;
import dev.netcode.message.MessageLimitException;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;

/**
 * One client's session on a {@link NetcodeServer}: from the moment it connected to the moment it
 * left. Unlike the server's {@link ClientSlot}, which is reused by the next client, a session stays
 * bound to one client, so it is safe to keep (for example in a map keyed by {@link #clientId()}) and
 * to use from any thread.
 *
 * <p>With {@code netcode.channels} configured, the session sends objects on a channel
 * ({@link #send(String, Object)}) and {@link #stats()} reports the connection's round-trip time,
 * packet loss and bandwidth; without, it sends raw payloads ({@link #send(byte[])}).
 *
 * <p>{@link #send} and {@link #disconnect} name both the slot and the client id, and are checked
 * on the server's thread: they reach this client only while this session is still connected, and
 * never a later client that took over the same slot (not even one with the same client id, whose
 * session is another). After the client has left they do nothing.
 */
public final class NetcodeSession {

    private final NetcodeServer server;
    private final int index;
    private final long clientId;
    private final Long boxedClientId;
    private final @Nullable NetcodeAddress address;
    private final byte[] userData;
    private final Instant connectedAt;
    private final @Nullable NetcodeMessagingTemplate messaging;
    private volatile boolean connected = true;

    /**
     * Whether a message of a reliable channel from this client had to be dropped, so it is being
     * disconnected; on the server's thread only.
     */
    boolean overrun;

    /**
     * A session for the client that has just connected; normally created by the
     * {@link NetcodeListenerDispatcher}.
     *
     * @param server the server the client is connected to
     * @param index the client's slot index
     * @param clientId the client id from its connect token
     * @param address the client's address, {@code null} for a loopback client
     * @param userData the 256 bytes of user data from the connect token (copied)
     * @param connectedAt when the client connected
     */
    public NetcodeSession(NetcodeServer server, int index, long clientId, @Nullable NetcodeAddress address,
            byte[] userData, Instant connectedAt) {
        this(server, index, clientId, address, userData, connectedAt, null);
    }

    /**
     * A session for the client that has just connected, on a server with channels: it sends channel
     * messages through {@code messaging}, and raw payloads not at all.
     *
     * @param messaging the channels' template, or {@code null} without channels
     * @see #NetcodeSession(NetcodeServer, int, long, NetcodeAddress, byte[], Instant)
     */
    public NetcodeSession(NetcodeServer server, int index, long clientId, @Nullable NetcodeAddress address,
            byte[] userData, Instant connectedAt, @Nullable NetcodeMessagingTemplate messaging) {
        this.messaging = messaging;
        this.server = Objects.requireNonNull(server, "server");
        this.index = index;
        this.clientId = clientId;
        this.boxedClientId = clientId;
        this.address = address;
        this.userData = userData.clone();
        this.connectedAt = Objects.requireNonNull(connectedAt, "connectedAt");
    }

    /** A session for the client now in {@code slot}; on the server's thread. */
    static NetcodeSession of(NetcodeServer server, ClientSlot slot, @Nullable NetcodeMessagingTemplate messaging) {
        return new NetcodeSession(server, slot.index(), slot.clientId(), slot.address(), slot.userData(),
                Instant.now(), messaging);
    }

    /** The client's slot index on the server (reused by later clients once this one left). */
    public int index() {
        return index;
    }

    /** The client id from the connect token (an unsigned 64-bit value). */
    public long clientId() {
        return clientId;
    }

    /** The client id, boxed once per session. */
    Long boxedClientId() {
        return boxedClientId;
    }

    /** The client's UDP address, or {@code null} for an in-process loopback client. */
    public @Nullable NetcodeAddress address() {
        return address;
    }

    /** A copy of the 256 bytes of user data from the client's connect token. */
    public byte[] userData() {
        return userData.clone();
    }

    /** When the client connected (wall clock). */
    public Instant connectedAt() {
        return connectedAt;
    }

    /**
     * Whether the client is still connected. Turns {@code false} on the server's thread as the
     * client leaves, which may be before its last payloads and its
     * {@link NetcodeClientDisconnectedEvent} have been delivered.
     */
    public boolean isConnected() {
        return connected;
    }

    /** The server the client is (or was) connected to. */
    public NetcodeServer server() {
        return server;
    }

    /**
     * Sends {@code payload} (1 to 1200 bytes) to this client, if it is still connected. The bytes are
     * copied, so the array may be reused at once.
     *
     * @throws IllegalArgumentException for an empty payload or one over 1200 bytes
     * @throws IllegalStateException with {@code netcode.channels} configured: the client reads
     *         channel messages only, so send on a channel ({@link #send(String, Object)})
     */
    public void send(byte[] payload) {
        send(payload, 0, payload.length);
    }

    /**
     * Sends {@code payload[offset, offset + length)} (1 to 1200 bytes) to this client, if it is
     * still connected. The bytes are copied, so the array may be reused at once.
     *
     * @throws IllegalArgumentException for an empty payload or one over 1200 bytes
     * @throws IllegalStateException with {@code netcode.channels} configured
     */
    public void send(byte[] payload, int offset, int length) {
        requireRawPayloads();
        PacketCodec.checkPayloadLength(length);
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (connected) {
            sendOwned(Arrays.copyOfRange(payload, offset, offset + length));
        }
    }

    /**
     * Sends the remaining bytes of {@code payload} (1 to 1200) to this client, if it is still
     * connected. The bytes are copied; the buffer's position is not changed.
     *
     * @throws IllegalArgumentException for an empty payload or one over 1200 bytes
     * @throws IllegalStateException with {@code netcode.channels} configured
     */
    public void send(ByteBuffer payload) {
        requireRawPayloads();
        int length = payload.remaining();
        PacketCodec.checkPayloadLength(length);
        if (connected) {
            byte[] copy = new byte[length];
            payload.get(payload.position(), copy);
            sendOwned(copy);
        }
    }

    private void requireRawPayloads() {
        if (messaging != null) {
            throw new IllegalStateException("netcode.channels are configured, so " + this + " reads channel "
                    + "messages only: send on a channel with send(channel, message)");
        }
    }

    /**
     * Sends {@code message} on {@code channel} to this client, if it is still connected, converted
     * to bytes by the first {@link dev.netcode.boot.message.NetcodeMessageConverter} that can write
     * its class: {@code byte[]}, {@code ByteBuffer}, {@code String} (UTF-8), and any other object as
     * JSON when the application has Jackson. Limits are checked at the call.
     *
     * @throws MessageLimitException naming the limit the message runs into (its channel's
     *         {@code max-message-size}, or this client's full send queue or window); nothing is sent
     * @throws NetcodeMessageConversionException if no converter can write the message
     * @throws IllegalArgumentException for a channel that is not configured
     * @throws IllegalStateException without {@code netcode.channels}
     */
    public void send(String channel, Object message) {
        if (messaging == null) {
            throw new IllegalStateException("No netcode.channels are configured, so there is no channel '" + channel
                    + "': send raw payloads with send(byte[]), or configure netcode.channels." + channel
                    + ".delivery");
        }
        if (connected) {
            messaging.send(index, clientId, channel, message);
        }
    }

    /**
     * The connection's latest measurements, published every 0.1 s: smoothed round-trip time,
     * packet loss, sent, received and acked bandwidth, and each channel's counters; {@code null}
     * without {@code netcode.channels} (only the message layer's acks measure them) and once the
     * client has left.
     */
    public @Nullable ConnectionStats stats() {
        return (messaging != null && connected) ? messaging.stats(index, clientId) : null;
    }

    /** Sends a checked {@code payload} that nobody else holds. */
    private void sendOwned(byte[] payload) {
        server.executeAfterPause(machine -> {
            if (connected) {
                machine.sendPayload(index, clientId, payload, 0, payload.length);
            }
        });
    }

    /**
     * Disconnects this client (it gets the protocol's disconnect packets, and a
     * {@link NetcodeClientDisconnectedEvent} with reason {@code SERVER_DISCONNECT} follows), if it is
     * still connected. Returns at once; the server's thread does the work.
     */
    public void disconnect() {
        if (connected) {
            server.execute(machine -> {
                if (connected) {
                    machine.disconnectClient(index, clientId);
                }
            });
        }
    }

    /** On the server's thread, as the client leaves and before its slot can be reused. */
    void markDisconnected() {
        connected = false;
    }

    @Override
    public String toString() {
        return "NetcodeSession[index=" + index + ", clientId=" + Long.toUnsignedString(clientId) + ", "
                + (address != null ? address : "loopback") + (connected ? "" : ", disconnected") + "]";
    }
}
