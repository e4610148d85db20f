package dev.netcode.boot.listener;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;

/**
 * One client's session on a {@link NetcodeServer}: from the moment it connected to the moment it
 * left. Unlike the server's {@link ClientSlot}, which is reused by the next client, a session stays
 * bound to one client, so it is safe to keep (for example in a map keyed by {@link #clientId()}) and
 * to use from any thread.
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
    private volatile boolean connected = true;

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
        this.server = Objects.requireNonNull(server, "server");
        this.index = index;
        this.clientId = clientId;
        this.boxedClientId = clientId;
        this.address = address;
        this.userData = userData.clone();
        this.connectedAt = Objects.requireNonNull(connectedAt, "connectedAt");
    }

    /** A session for the client now in {@code slot}; on the server's thread. */
    static NetcodeSession of(NetcodeServer server, ClientSlot slot) {
        return new NetcodeSession(server, slot.index(), slot.clientId(), slot.address(), slot.userData(),
                Instant.now());
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
     */
    public void send(byte[] payload) {
        send(payload, 0, payload.length);
    }

    /**
     * Sends {@code payload[offset, offset + length)} (1 to 1200 bytes) to this client, if it is
     * still connected. The bytes are copied, so the array may be reused at once.
     *
     * @throws IllegalArgumentException for an empty payload or one over 1200 bytes
     */
    public void send(byte[] payload, int offset, int length) {
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
     */
    public void send(ByteBuffer payload) {
        int length = payload.remaining();
        PacketCodec.checkPayloadLength(length);
        if (connected) {
            byte[] copy = new byte[length];
            payload.get(payload.position(), copy);
            sendOwned(copy);
        }
    }

    /** Sends a checked {@code payload} that nobody else holds. */
    private void sendOwned(byte[] payload) {
        server.execute(machine -> {
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
