package dev.netcode.server;

import java.util.Arrays;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.ReplayProtection;

/**
 * One of the server's client slots. The server reuses slot objects from session to session, so
 * hold on to the index or client id, not to the slot. Read it on the server's thread (inside an
 * event, or through the runtime); reads from other threads see a recent but possibly torn state.
 */
public final class ClientSlot {

    private final ServerStateMachine server;
    private final int index;
    final byte[] userData = new byte[NetcodeProtocol.USER_DATA_BYTES];
    final ReplayProtection replayProtection = new ReplayProtection();

    boolean connected;
    boolean loopback;
    boolean confirmed;
    long clientId;
    NetcodeAddress address;
    EncryptionMappings.Entry mapping;
    int timeoutSeconds;
    long sequence;
    double connectTime;
    double lastSendTime;
    double lastReceiveTime;
    DisconnectReason disconnectReason = DisconnectReason.NONE;

    long packetsReceived;
    long packetsSent;
    long bytesReceived;
    long bytesSent;

    ClientSlot(ServerStateMachine server, int index) {
        this.server = server;
        this.index = index;
    }

    void connect(long id, NetcodeAddress from, byte[] tokenUserData, int timeout, double now) {
        connected = true;
        confirmed = false;
        clientId = id;
        address = from;
        System.arraycopy(tokenUserData, 0, userData, 0, NetcodeProtocol.USER_DATA_BYTES);
        timeoutSeconds = timeout;
        sequence = 0;
        connectTime = now;
        lastSendTime = now;
        lastReceiveTime = now;
        replayProtection.reset();
        disconnectReason = DisconnectReason.NONE;
        packetsReceived = 0;
        packetsSent = 0;
        bytesReceived = 0;
        bytesSent = 0;
    }

    void clear() {
        connected = false;
        loopback = false;
        confirmed = false;
        clientId = 0;
        address = null;
        mapping = null;
        timeoutSeconds = 0;
        sequence = 0;
        Arrays.fill(userData, (byte) 0);
        replayProtection.reset();
    }

    /**
     * Sends a payload (1..1200 bytes) to this slot's client; on the server's thread only, e.g. to
     * answer inside {@link ServerEventHandler#onPayload}.
     */
    public void send(byte[] payload, int offset, int length) {
        server.sendPayload(index, payload, offset, length);
    }

    /** Disconnects this slot's client (10 disconnect packets); on the server's thread only. */
    public void disconnect() {
        server.disconnectClient(index);
    }

    /** As {@link #disconnect()}, reporting {@code reason} to the event handler; on the server's thread only. */
    public void disconnect(DisconnectReason reason) {
        server.disconnectClient(index, reason);
    }

    public int index() {
        return index;
    }

    public boolean isConnected() {
        return connected;
    }

    /** Whether the client is in-process and never on the wire. */
    public boolean isLoopback() {
        return loopback;
    }

    /** Whether the client has sent a packet since it connected (so it knows its slot index). */
    public boolean isConfirmed() {
        return confirmed;
    }

    public long clientId() {
        return clientId;
    }

    /** The client's address; {@code null} for loopback clients. */
    public NetcodeAddress address() {
        return address;
    }

    /** A copy of the 256 bytes of user data from the client's connect token. */
    public byte[] userData() {
        return userData.clone();
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Server time ({@code update} clock) at which the client connected. */
    public double connectTime() {
        return connectTime;
    }

    /** Server time of the last packet from the client. */
    public double lastReceiveTime() {
        return lastReceiveTime;
    }

    /** Why the slot was last freed ({@link DisconnectReason#NONE} while connected). */
    public DisconnectReason disconnectReason() {
        return disconnectReason;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public String toString() {
        return connected ? "ClientSlot[" + index + ", clientId=" + Long.toUnsignedString(clientId) + ", "
                + (loopback ? "loopback" : address) + "]" : "ClientSlot[" + index + ", free]";
    }
}
