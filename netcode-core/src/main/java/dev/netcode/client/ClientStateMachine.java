package dev.netcode.client;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.DropCounters;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.packet.ReplayProtection;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.InvalidConnectTokenException;
import dev.netcode.transport.Transport;

/**
 * A netcode 1.02 client: it presents a connect token to the servers the token lists, in order,
 * until one lets it in, then exchanges encrypted payloads and keep-alives with it.
 *
 * <p>Like the server it is a state machine driven by an explicit clock ({@link #update}, seconds on
 * any monotonic base) and is not thread-safe. States and transitions follow the reference, with two
 * deliberate deviations that keep a token's keys from ever encrypting two packets under one nonce:
 * <ul>
 * <li>Once a session was connected, the client never moves on to the token's next server: a kick
 * (disconnect packet) ends in {@link ClientState#DISCONNECTED} as if no server were left, just as a
 * silent server ends in {@link ClientState#CONNECTION_TIMED_OUT}. The reference falls back after a
 * kick, and the next server then repeats the server-to-client nonces the first one used, since every
 * server starts its sequences at the same values. Before a connection, fallback is the reference's.
 * <li>{@link #connect(ConnectToken)} refuses a token this client already used (see there).
 * </ul>
 */
public final class ClientStateMachine implements Transport.DatagramHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientStateMachine.class);

    private static final int MAX_RECEIVE_PER_UPDATE = 64;

    private final Transport transport;
    private final ClientEventHandler events;
    private final PacketCodec codec = new PacketCodec(0);
    private final Packet packet = new Packet();
    private final ReplayProtection replayProtection = new ReplayProtection();
    private final byte[] sendBuffer = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final byte[] challengeToken = new byte[NetcodeProtocol.CHALLENGE_TOKEN_BYTES];
    private final byte[] clientToServerKey = new byte[NetcodeProtocol.KEY_BYTES];
    private final byte[] serverToClientKey = new byte[NetcodeProtocol.KEY_BYTES];
    private final DropCounters drops = new DropCounters();
    private final UsedConnectTokens usedTokens = new UsedConnectTokens();
    private final byte[] tokenTag = new byte[NetcodeProtocol.MAC_BYTES];
    private Consumer<byte[]> loopbackSender;

    private ClientState state = ClientState.DISCONNECTED;
    private double time;
    private ConnectToken token;
    /** Whether anything was encrypted with the current token's client-to-server key. */
    private boolean tokenUsed;
    private int serverAddressIndex;
    private NetcodeAddress serverAddress;
    private long sequence;
    private int clientIndex;
    private int maxClients;
    private double connectStartTime;
    private double lastSendTime;
    private double lastReceiveTime;
    private long challengeSequence;
    private boolean loopback;
    private ClientState pendingDisconnectState;

    /**
     * @param transport where datagrams come from and go to; the client closes it on {@link #close()}
     * @param time the current time on the {@code update} clock
     */
    public ClientStateMachine(Transport transport, ClientEventHandler events, double time) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.events = Objects.requireNonNull(events, "events");
        this.time = time;
    }

    public ClientStateMachine(Transport transport, double time) {
        this(transport, new ClientEventHandler() {
        }, time);
    }

    // ---- connecting ---------------------------------------------------------------------------

    /**
     * Starts connecting with a 2048-byte connect token. Any current connection is closed first.
     * An invalid token, or one this client already used (see {@link #connect(ConnectToken)}), ends
     * in {@link ClientState#INVALID_CONNECT_TOKEN} at once, without sending anything.
     */
    public void connect(byte[] connectToken) {
        disconnect();
        ConnectToken parsed;
        try {
            parsed = ConnectToken.read(connectToken);
        }
        catch (InvalidConnectTokenException ex) {
            log.info("invalid connect token: {}", ex.getMessage());
            setState(ClientState.INVALID_CONNECT_TOKEN);
            return;
        }
        connect(parsed);
    }

    /**
     * {@link #connect(byte[])} with a token already read.
     *
     * <p>A token is good for one attempt: once this client has sent anything encrypted with the
     * token's client-to-server key (a connection response, keep-alive, payload or disconnect
     * packet), connecting with it again is refused: the state becomes
     * {@link ClientState#INVALID_CONNECT_TOKEN} at once, with an INFO log, and nothing is sent.
     * A new attempt would start the packet sequence, which is the nonce, at 0 again under the same
     * key, and a server that accepts the token a second time (another server of the token, or one
     * that allows a token again from the address that used it, as the reference does) would repeat
     * its own nonces too. Get a fresh token for every connection. A token whose attempt sent only
     * connection requests may be used again: it timed out or was denied before the client answered a
     * challenge, and was not ended by {@link #disconnect()} or another {@code connect} (those send
     * disconnect packets). Requests are not encrypted with that key and use no nonce under it, so a
     * retry repeats nothing. This client remembers its last 64 used tokens; tokens live seconds, so
     * that covers every token that is still valid.
     */
    public void connect(ConnectToken connectToken) {
        disconnect();
        UsedConnectTokens.tagOf(connectToken, tokenTag);
        if (usedTokens.contains(tokenTag)) {
            log.info("connect token refused: this client already used it; connect with a fresh token");
            setState(ClientState.INVALID_CONNECT_TOKEN);
            return;
        }
        token = connectToken;
        tokenUsed = false;
        codec.protocolId(token.protocolId());
        System.arraycopy(token.clientToServerKey(), 0, clientToServerKey, 0, NetcodeProtocol.KEY_BYTES);
        System.arraycopy(token.serverToClientKey(), 0, serverToClientKey, 0, NetcodeProtocol.KEY_BYTES);
        serverAddressIndex = 0;
        serverAddress = token.serverAddresses().get(0);
        resetBeforeNextConnect();
        log.debug("connecting to {}", serverAddress);
        setState(ClientState.SENDING_CONNECTION_REQUEST);
    }

    private void resetBeforeNextConnect() {
        connectStartTime = time;
        lastSendTime = time - 1.0;
        lastReceiveTime = time;
        pendingDisconnectState = null;
        challengeSequence = 0;
        Arrays.fill(challengeToken, (byte) 0);
        replayProtection.reset();
    }

    /**
     * Moves on to the token's next server address; false when there is none left, or when this
     * session was connected: the next server would repeat the server-to-client nonces (sequences)
     * the last one used under the token's key (a deliberate deviation from the reference).
     */
    private boolean connectToNextServer() {
        if (token == null || state == ClientState.CONNECTED
                || serverAddressIndex + 1 >= token.serverAddresses().size()) {
            return false;
        }
        serverAddressIndex++;
        serverAddress = token.serverAddresses().get(serverAddressIndex);
        resetBeforeNextConnect();
        log.debug("trying next server {}", serverAddress);
        setState(ClientState.SENDING_CONNECTION_REQUEST);
        return true;
    }

    // ---- the update loop ----------------------------------------------------------------------

    /** Receives and processes waiting packets, sends what the state calls for, and checks timeouts. */
    public void update(double now) {
        time = now;
        if (!loopback) {
            updateConnection();
        }
        try {
            events.onUpdate(this, now);
        }
        catch (RuntimeException ex) {
            log.warn("client event handler onUpdate threw; the client carries on", ex);
        }
    }

    private void updateConnection() {
        transport.receive(this, MAX_RECEIVE_PER_UPDATE);
        sendPackets();

        if (isConnecting() && tokenLifetime() <= time - connectStartTime) {
            log.info("connect token expired before the server let us in");
            disconnectInternal(ClientState.CONNECT_TOKEN_EXPIRED, false);
            return;
        }
        if (pendingDisconnectState != null) {
            ClientState target = pendingDisconnectState;
            if (connectToNextServer()) {
                return;
            }
            disconnectInternal(target, false);
            return;
        }
        int timeout = token == null ? 0 : token.timeoutSeconds();
        if (timeout <= 0 || lastReceiveTime + timeout >= time) {
            return;
        }
        switch (state) {
            case SENDING_CONNECTION_REQUEST -> {
                if (!connectToNextServer()) {
                    disconnectInternal(ClientState.CONNECTION_REQUEST_TIMED_OUT, false);
                }
            }
            case SENDING_CONNECTION_RESPONSE -> {
                if (!connectToNextServer()) {
                    disconnectInternal(ClientState.CONNECTION_RESPONSE_TIMED_OUT, false);
                }
            }
            case CONNECTED -> disconnectInternal(ClientState.CONNECTION_TIMED_OUT, false);
            default -> {
            }
        }
    }

    /**
     * The latest time (on the update clock) by which {@link #update} must run again, as of now: the
     * next handshake packet or keep-alive, the timeout, or the connect token's expiry while
     * connecting, or the event handler's {@link ClientEventHandler#nextUpdateTime()}, whichever comes
     * first; only the handler's when the client is not connecting or connected (or is a loopback
     * client), {@code +Infinity} by default. Datagrams need an update as they arrive, whatever this says.
     */
    public double nextUpdateTime() {
        double handlers = handlerNextUpdateTime();
        if (loopback || !state.isActive()) {
            return handlers;
        }
        double next = lastSendTime + NetcodeProtocol.PACKET_SEND_INTERVAL;
        if (token != null && token.timeoutSeconds() > 0) {
            next = Math.min(next, lastReceiveTime + token.timeoutSeconds());
        }
        if (isConnecting() && token != null) {
            next = Math.min(next, connectStartTime + tokenLifetime());
        }
        return Math.min(next, handlers);
    }

    // Read by the real-time loop after every update, outside any handler guard: a throwing handler
    // would end the client's thread. Its deadline is then left out.
    private double handlerNextUpdateTime() {
        try {
            return events.nextUpdateTime();
        }
        catch (RuntimeException ex) {
            log.warn("client event handler nextUpdateTime threw; the client carries on", ex);
            return Double.POSITIVE_INFINITY;
        }
    }

    /** Sending connection requests or responses: the handshake is under way. */
    private boolean isConnecting() {
        return state == ClientState.SENDING_CONNECTION_REQUEST || state == ClientState.SENDING_CONNECTION_RESPONSE;
    }

    /** Seconds between the token's creation and expiry: how long one connection attempt may take. */
    private double tokenLifetime() {
        long lifetime = token.expireTimestamp() - token.createTimestamp();
        return lifetime >= 0 ? lifetime : (double) (lifetime >>> 1) * 2.0;
    }

    private void sendPackets() {
        if (!(time > lastSendTime + NetcodeProtocol.PACKET_SEND_INTERVAL)) {
            return;
        }
        switch (state) {
            case SENDING_CONNECTION_REQUEST -> {
                int length = codec.writeConnectionRequest(sendBuffer, token);
                sequence++; // a request carries no sequence but uses one up, as in the reference
                send(length);
            }
            case SENDING_CONNECTION_RESPONSE -> send(codec.writeResponse(sendBuffer, nextSealedSequence(),
                    challengeSequence, challengeToken, 0, clientToServerKey));
            case CONNECTED -> send(codec.writeKeepAlive(sendBuffer, nextSealedSequence(), 0, 0, clientToServerKey));
            default -> {
            }
        }
    }

    /**
     * The sequence (nonce) for the next packet encrypted with the client-to-server key. The first
     * one marks the token used, so that {@link #connect} never starts it again at 0.
     */
    private long nextSealedSequence() {
        if (!tokenUsed) {
            usedTokens.add(tokenTag);
            tokenUsed = true;
        }
        return sequence++;
    }

    private void send(int length) {
        transport.send(serverAddress, sendBuffer, 0, length);
        lastSendTime = time;
    }

    /** Processes one datagram; called by the transport. Never throws for anything a peer can send. */
    @Override
    public void onDatagram(NetcodeAddress from, byte[] buf, int offset, int length) {
        try {
            processDatagram(from, buf, offset, length);
        }
        catch (RuntimeException ex) {
            drops.increment(DropReason.INTERNAL_ERROR);
            log.warn("dropped a datagram from {} after an internal error", from, ex);
        }
    }

    private void processDatagram(NetcodeAddress from, byte[] buf, int offset, int length) {
        if (offset != 0) {
            byte[] copy = Arrays.copyOfRange(buf, offset, offset + length);
            processDatagram(from, copy, 0, length);
            return;
        }
        if (!state.isActive()) {
            drops.increment(DropReason.UNEXPECTED);
            return;
        }
        if (length <= 1 || buf[0] == 0) {
            drops.increment(length <= 1 ? DropReason.BAD_LENGTH : DropReason.BAD_TYPE);
            return;
        }
        if (!codec.readEncrypted(buf, length, serverToClientKey, PacketType.CLIENT_ALLOWED, replayProtection, packet)) {
            drops.increment(packet.dropReason());
            return;
        }
        if (!from.equals(serverAddress)) {
            drops.increment(DropReason.WRONG_SOURCE);
            return;
        }
        switch (packet.type()) {
            case CONNECTION_DENIED -> {
                if (isConnecting()) {
                    pendingDisconnectState = ClientState.CONNECTION_DENIED;
                    lastReceiveTime = time;
                    return;
                }
            }
            case CONNECTION_CHALLENGE -> {
                if (state == ClientState.SENDING_CONNECTION_REQUEST) {
                    challengeSequence = packet.challengeSequence();
                    System.arraycopy(buf, packet.challengeTokenOffset(), challengeToken, 0,
                            NetcodeProtocol.CHALLENGE_TOKEN_BYTES);
                    lastReceiveTime = time;
                    setState(ClientState.SENDING_CONNECTION_RESPONSE);
                    return;
                }
            }
            case KEEP_ALIVE -> {
                if (state == ClientState.CONNECTED) {
                    lastReceiveTime = time;
                    return;
                }
                if (state == ClientState.SENDING_CONNECTION_RESPONSE) {
                    clientIndex = packet.clientIndex();
                    maxClients = packet.maxClients();
                    lastReceiveTime = time;
                    // The server admitted us: a late "denied" (answering an earlier request, received in
                    // this same batch) must not take us from CONNECTED to CONNECTION_DENIED and leave our
                    // slot behind. (The reference keeps it pending; a denial after this point is ignored.)
                    pendingDisconnectState = null;
                    setState(ClientState.CONNECTED);
                    return;
                }
            }
            case PAYLOAD -> {
                if (state == ClientState.CONNECTED) {
                    lastReceiveTime = time;
                    deliver(buf, packet.bodyOffset(), packet.bodyLength(), packet.sequence());
                    return;
                }
            }
            case DISCONNECT -> {
                if (state == ClientState.CONNECTED) {
                    pendingDisconnectState = ClientState.DISCONNECTED;
                    lastReceiveTime = time;
                    return;
                }
            }
            default -> {
            }
        }
        drops.increment(DropReason.UNEXPECTED);
    }

    private void deliver(byte[] buf, int offset, int length, long packetSequence) {
        try {
            events.onPayload(buf, offset, length, packetSequence);
        }
        catch (RuntimeException ex) {
            log.warn("client event handler onPayload threw; the client carries on", ex);
        }
    }

    // ---- sending and disconnecting ------------------------------------------------------------

    /**
     * Sends a payload of 1..1200 bytes to the server. Does nothing unless connected.
     *
     * @throws IllegalArgumentException for a payload of 0 or more than 1200 bytes
     */
    public void sendPayload(byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        if (state != ClientState.CONNECTED) {
            return;
        }
        if (loopback) {
            sequence++;
            loopbackSender.accept(Arrays.copyOfRange(payload, offset, offset + length));
            return;
        }
        send(codec.writePayload(sendBuffer, nextSealedSequence(), payload, offset, length, clientToServerKey));
    }

    public void sendPayload(byte[] payload) {
        sendPayload(payload, 0, payload.length);
    }

    /**
     * Disconnects cleanly: if connecting or connected, sends 10 disconnect packets back to back so
     * the server frees the slot at once, then returns to {@link ClientState#DISCONNECTED}.
     */
    public void disconnect() {
        disconnectInternal(ClientState.DISCONNECTED, true);
    }

    private void disconnectInternal(ClientState target, boolean sendDisconnectPackets) {
        if (!state.isActive() || state == target) {
            return;
        }
        if (!loopback && sendDisconnectPackets) {
            for (int i = 0; i < NetcodeProtocol.NUM_DISCONNECT_PACKETS; i++) {
                transport.send(serverAddress, sendBuffer, 0,
                        codec.writeDisconnect(sendBuffer, nextSealedSequence(), clientToServerKey));
            }
        }
        resetConnectionData(target);
    }

    private void resetConnectionData(ClientState target) {
        sequence = 0;
        clientIndex = 0;
        maxClients = 0;
        serverAddressIndex = 0;
        serverAddress = null;
        token = null;
        loopback = false;
        Arrays.fill(clientToServerKey, (byte) 0);
        Arrays.fill(serverToClientKey, (byte) 0);
        resetBeforeNextConnect();
        setState(target);
    }

    private void setState(ClientState next) {
        if (next == state) {
            return;
        }
        ClientState previous = state;
        state = next;
        log.debug("client state {} -> {}", previous, next);
        try {
            events.onStateChanged(previous, next);
        }
        catch (RuntimeException ex) {
            log.warn("client event handler onStateChanged threw; the client carries on", ex);
        }
    }

    // ---- loopback -----------------------------------------------------------------------------

    /**
     * Connects in-process to a server that holds this client in slot {@code index} as a loopback
     * client: no handshake, no network. Payloads go to {@code sender}, and the server's come in
     * through {@link #processLoopbackPacket}. Refused (returns false) without a sender.
     */
    public boolean connectLoopback(int index, int serverMaxClients, Consumer<byte[]> sender) {
        if (sender == null) {
            log.warn("loopback connect refused: no loopback packet sender given");
            return false;
        }
        disconnect();
        loopbackSender = sender;
        loopback = true;
        clientIndex = index;
        maxClients = serverMaxClients;
        lastReceiveTime = time;
        setState(ClientState.CONNECTED);
        return true;
    }

    /** Leaves a loopback connection. */
    public void disconnectLoopback() {
        if (loopback) {
            resetConnectionData(ClientState.DISCONNECTED);
        }
    }

    /** A payload from the server to this loopback client. */
    public void processLoopbackPacket(byte[] payload, int offset, int length, long packetSequence) {
        if (loopback && state == ClientState.CONNECTED) {
            lastReceiveTime = time;
            deliver(payload, offset, length, packetSequence);
        }
    }

    // ---- queries ------------------------------------------------------------------------------

    public ClientState state() {
        return state;
    }

    public boolean isLoopback() {
        return loopback;
    }

    /** The slot the server assigned (valid when connected). */
    public int clientIndex() {
        return clientIndex;
    }

    /** The server's slot count, as it told us (valid when connected). */
    public int maxClients() {
        return maxClients;
    }

    /** The server currently being tried or connected to; {@code null} when idle. */
    public NetcodeAddress serverAddress() {
        return serverAddress;
    }

    public NetcodeAddress localAddress() {
        return transport.localAddress();
    }

    /** The next packet sequence number this client will use. */
    public long sequence() {
        return sequence;
    }

    public double time() {
        return time;
    }

    public DropCounters dropCounters() {
        return drops;
    }

    Transport transport() {
        return transport;
    }

    /** Sends disconnect packets if connected, wipes keys, and closes the transport. */
    @Override
    public void close() {
        disconnect();
        codec.close();
        // A batching transport holds the disconnect packets until a flush; closed first, it would drop them.
        transport.flush();
        transport.close();
    }
}
