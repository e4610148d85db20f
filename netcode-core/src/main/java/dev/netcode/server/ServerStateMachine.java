package dev.netcode.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.Aead;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropCounters;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.token.ChallengeToken;
import dev.netcode.token.ConnectTokenPrivate;
import dev.netcode.transport.Transport;

/**
 * A netcode 1.02 server: it admits holders of valid connect tokens into a fixed number of slots,
 * keeps them alive, times them out, and exchanges encrypted payloads with them.
 *
 * <p>The server is a state machine driven by an explicit clock: the owner calls {@link #update}
 * with the current time in seconds (any monotonic base), and everything — receiving, handshakes,
 * keep-alives at 10 Hz, timeouts — happens inside that call, on the caller's thread. Tests advance
 * time without sleeping; {@link NetcodeServer} drives it with real time on its own thread. Connect
 * token expiry is checked against a separate wall clock (Unix seconds, {@link ServerConfig#unixClock()}).
 *
 * <p>Not thread-safe: call every method from the thread that calls {@code update}. Nothing a peer
 * sends can make it throw; bad datagrams are dropped and counted ({@link #dropCounters()}).
 */
public final class ServerStateMachine implements Transport.DatagramHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerStateMachine.class);

    private static final int MAX_RECEIVE_PER_UPDATE = 64 * 256;
    private static final int TAG_OFFSET_IN_PRIVATE = ConnectTokenPrivate.SEALED_BYTES;
    private static final DropReason[] DROP_REASONS = DropReason.values();

    /** Seconds of server time between two "table full" warnings. */
    static final double CAPACITY_WARNING_INTERVAL = 60.0;

    private final Logger log;

    private final ServerConfig config;
    private final Transport transport;
    private final byte[] privateKey;
    private final List<NetcodeAddress> serverAddresses;
    private final ServerEventHandler events;
    private final PacketCodec codec;
    private final Packet packet = new Packet();
    private final byte[] sendBuffer = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private final byte[] challengeTokenBuffer = new byte[NetcodeProtocol.CHALLENGE_TOKEN_BYTES];
    private final byte[] challengeKey = new byte[NetcodeProtocol.KEY_BYTES];
    private final ServerStatistics statistics;
    private final DropCounters drops;
    private final AtomicLong packetsReceived;
    private final AtomicLong packetsSent;
    private final AtomicLong connectionsDenied;
    private final AtomicLong handlerErrors;
    /**
     * While an update runs, the per-packet totals (datagrams received and sent, drops) are counted
     * here, in plain fields of this thread, and added to {@link #statistics} once when it ends: no
     * atomic operation per packet, and other threads see the totals as of the last update. Outside
     * an update (a command, a datagram handed in directly) every count goes to the statistics at once.
     * Atomic adds, not plain stores, at the end: several server threads (restarts, shards) may add to
     * one {@link ServerStatistics}.
     */
    private boolean updating;
    private long unpublishedReceived;
    private long unpublishedSent;
    private final long[] unpublishedDrops = new long[DROP_REASONS.length];
    private boolean dropsUnpublished;

    private boolean running;
    private int maxClients;
    /** Volatile so that gauges on other threads read a current value. */
    private volatile int connectedCount;
    private double time;
    private long globalSequence = NetcodeProtocol.GLOBAL_SEQUENCE_SEED;
    private long challengeSequence;
    private long minConnectTokenExpireTimestamp;
    private ClientSlot[] slots = new ClientSlot[0];
    private Map<NetcodeAddress, ClientSlot> slotsByAddress = new HashMap<>();
    private EncryptionMappings mappings = new EncryptionMappings(0);
    private ConnectTokenHistory tokenHistory = new ConnectTokenHistory(0);
    /** The server-wide slot table when this is one shard of several ({@link #joinShards}); {@code null} alone. */
    private ClientIndexSpace indexSpace;
    private int shard;
    /** When the next keep-alive or timeout falls due; see {@link #nextUpdateTime()}. */
    private double nextDeadline = Double.POSITIVE_INFINITY;
    /** When the last "table full" warning was logged, on the update clock, and refusals since. */
    private double lastCapacityWarningTime = Double.NEGATIVE_INFINITY;
    private long capacityRefusalsSinceWarning;

    /**
     * @param transport where datagrams come from and go to; the server closes it on {@link #close()}
     * @param time the current time on the {@code update} clock
     */
    public ServerStateMachine(ServerConfig config, Transport transport, double time) {
        this(config, transport, time, new ServerStatistics());
    }

    /** As {@link #ServerStateMachine(ServerConfig, Transport, double)}, adding to existing totals. */
    public ServerStateMachine(ServerConfig config, Transport transport, double time, ServerStatistics statistics) {
        this(config, transport, time, statistics, LOG);
    }

    /** As above, logging to {@code log}: the warm-up's throw-away server passes a silent one. */
    ServerStateMachine(ServerConfig config, Transport transport, double time, ServerStatistics statistics,
            Logger log) {
        this.log = Objects.requireNonNull(log, "log");
        this.statistics = Objects.requireNonNull(statistics, "statistics");
        this.drops = statistics.drops;
        this.packetsReceived = statistics.packetsReceived;
        this.packetsSent = statistics.packetsSent;
        this.connectionsDenied = statistics.connectionsDenied;
        this.handlerErrors = statistics.handlerErrors;
        this.config = Objects.requireNonNull(config, "config");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.privateKey = config.privateKey();
        this.events = config.eventHandler();
        this.codec = new PacketCodec(config.protocolId());
        this.time = time;
        List<NetcodeAddress> addresses = config.serverAddresses();
        if (addresses.isEmpty()) {
            NetcodeAddress bound = transport.localAddress();
            if (isWildcard(bound)) {
                throw new IllegalArgumentException("the server is bound to the wildcard address " + bound
                        + ": configure the address clients reach it at (the one connect tokens list)");
            }
            addresses = List.of(bound);
        }
        this.serverAddresses = addresses;
    }

    private static boolean isWildcard(NetcodeAddress address) {
        return address.toInetAddress().isAnyLocalAddress();
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /**
     * Starts accepting clients into {@code maxClients} slots (1 to {@link ServerConfig#MAX_CLIENTS_LIMIT}).
     * A running server is stopped first. Every start draws a new challenge key, resets the global
     * sequence to 2^63 and applies the restart rule: tokens expiring before now +
     * {@link ServerConfig#maxConnectTokenLifetime()} are refused. The rule works in whole seconds, so
     * tokens seen by earlier runs of this object (or of the one passed to {@link #carryOver}) stay
     * refused until they expire: a restart within the same second never lets one open a second session
     * whose sequences, and so nonces, would start again under the same keys.
     */
    public void start(int maxClients) {
        if (maxClients < 1 || maxClients > ServerConfig.MAX_CLIENTS_LIMIT) {
            throw new IllegalArgumentException(
                    "max clients must be 1.." + ServerConfig.MAX_CLIENTS_LIMIT + ", got " + maxClients);
        }
        if (running) {
            stop();
        }
        this.maxClients = maxClients;
        slots = new ClientSlot[maxClients];
        for (int i = 0; i < maxClients; i++) {
            slots[i] = new ClientSlot(this, i);
        }
        slotsByAddress = new HashMap<>(maxClients * 2);
        mappings = new EncryptionMappings(ServerConfig.encryptionMappingCapacity(maxClients));
        if (indexSpace == null) {
            tokenHistory = ConnectTokenHistory.carryingOver(tokenHistory, ServerConfig.tokenHistoryCapacity(maxClients));
        }
        else if (indexSpace.maxClients() != maxClients) {
            throw new IllegalArgumentException("shard " + shard + " started with " + maxClients
                    + " slots in a server of " + indexSpace.maxClients());
        }
        connectedCount = 0;
        challengeSequence = 0;
        SecureRandomBytes.fill(challengeKey);
        globalSequence = NetcodeProtocol.GLOBAL_SEQUENCE_SEED;
        minConnectTokenExpireTimestamp = config.unixClock().getAsLong() + config.maxConnectTokenLifetime();
        running = true;
        log.info("netcode server started on {} (public {}), {} slots, protocol id 0x{}, libsodium via {}",
                transport.localAddress(), serverAddresses, maxClients, Long.toHexString(config.protocolId()),
                Aead.nativeBinding());
    }

    /**
     * Disconnects every network client (sending disconnect packets), forgets all mappings and wipes the
     * challenge key. The token history is kept for the next start.
     */
    public void stop() {
        if (!running) {
            return;
        }
        disconnectAllClients();
        for (ClientSlot slot : slots) {
            if (slot.connected) {
                disconnect(slot, DisconnectReason.SERVER_DISCONNECT, false);
            }
        }
        mappings.reset();
        Arrays.fill(challengeKey, (byte) 0);
        globalSequence = NetcodeProtocol.GLOBAL_SEQUENCE_SEED;
        running = false;
        maxClients = 0;
        log.info("netcode server on {} stopped", transport.localAddress());
    }

    /**
     * Takes over the token history of {@code previous}, a server with the same key that this one
     * replaces and whose thread has ended (as {@link NetcodeServer} does on every restart), so the
     * tokens it saw stay refused; call before {@link #start}.
     */
    public void carryOver(ServerStateMachine previous) {
        tokenHistory = previous.tokenHistory;
    }

    /**
     * Makes this state machine shard {@code shard} of a sharded {@link NetcodeServer}: it admits clients into
     * {@code indexSpace}, the slot table all shards share (its slots are numbered server-wide, and keep-alives carry
     * that index), and checks tokens against {@code tokenHistory}, which all shards share too. Call before
     * {@link #start}, with that table's max clients.
     */
    void joinShards(ClientIndexSpace indexSpace, int shard, ConnectTokenHistory tokenHistory) {
        this.indexSpace = Objects.requireNonNull(indexSpace, "indexSpace");
        this.shard = shard;
        this.tokenHistory = Objects.requireNonNull(tokenHistory, "tokenHistory");
    }

    /** Stops, wipes the private key, and closes the transport. */
    @Override
    public void close() {
        stop();
        Arrays.fill(privateKey, (byte) 0);
        codec.close();
        transport.close();
    }

    // ---- the update loop ----------------------------------------------------------------------

    /** Receives and processes every waiting datagram, sends keep-alives, and times out silent clients. */
    public void update(double now) {
        time = now;
        if (!running) {
            return;
        }
        updating = true;
        try {
            transport.receive(this, MAX_RECEIVE_PER_UPDATE);
            sendKeepAlives();
            checkTimeouts();
            try {
                events.onUpdate(this, now);
            }
            catch (RuntimeException | Error ex) {
                handlerFailed("onUpdate", ex);
            }
        }
        finally {
            updating = false;
            publishCounts();
        }
    }

    private void countReceived() {
        if (updating) {
            unpublishedReceived++;
        }
        else {
            packetsReceived.incrementAndGet();
        }
    }

    private void countSent() {
        if (updating) {
            unpublishedSent++;
        }
        else {
            packetsSent.incrementAndGet();
        }
    }

    private void drop(DropReason reason) {
        if (updating) {
            unpublishedDrops[reason.ordinal()]++;
            dropsUnpublished = true;
        }
        else {
            drops.increment(reason);
        }
    }

    /** Adds what this update counted to the statistics, one atomic add per total that changed. */
    private void publishCounts() {
        if (unpublishedReceived != 0) {
            packetsReceived.addAndGet(unpublishedReceived);
            unpublishedReceived = 0;
        }
        if (unpublishedSent != 0) {
            packetsSent.addAndGet(unpublishedSent);
            unpublishedSent = 0;
        }
        if (dropsUnpublished) {
            dropsUnpublished = false;
            for (int i = 0; i < unpublishedDrops.length; i++) {
                if (unpublishedDrops[i] != 0) {
                    drops.add(DROP_REASONS[i], unpublishedDrops[i]);
                    unpublishedDrops[i] = 0;
                }
            }
        }
    }

    /**
     * The latest time (on the update clock) by which {@link #update} must run again, as of the last
     * update: when the earliest keep-alive or client timeout falls due. Datagrams need an update as
     * they arrive, whatever this says; with no client connected it is {@code +Infinity}. A real-time
     * loop can sleep until then instead of polling ({@link NetcodeServer} does).
     */
    public double nextUpdateTime() {
        return running ? Math.min(nextDeadline, handlerNextUpdateTime()) : Double.POSITIVE_INFINITY;
    }

    // Read by the real-time loop after every update, outside any handler guard: a throwing handler
    // would end the server's thread. Its deadline is then left out; keep-alives still wake the loop.
    private double handlerNextUpdateTime() {
        try {
            return events.nextUpdateTime();
        }
        catch (RuntimeException | Error ex) {
            handlerFailed("nextUpdateTime", ex);
            return Double.POSITIVE_INFINITY;
        }
    }

    /** Processes one datagram; called by the transport. Never throws for anything a peer can send. */
    @Override
    public void onDatagram(NetcodeAddress from, byte[] buf, int offset, int length) {
        try {
            processDatagram(from, buf, offset, length);
        }
        catch (RuntimeException ex) {
            // A bug of ours must cost one datagram, never the server.
            drop(DropReason.INTERNAL_ERROR);
            log.warn("dropped a datagram from {} after an internal error", from, ex);
        }
    }

    private void processDatagram(NetcodeAddress from, byte[] buf, int offset, int length) {
        countReceived();
        if (!running) {
            drop(DropReason.NOT_RUNNING);
            return;
        }
        if (offset != 0) {
            // Our transports hand over offset 0; accept others by copying, which only costs there.
            byte[] copy = Arrays.copyOfRange(buf, offset, offset + length);
            processDatagram(from, copy, 0, length);
            return;
        }
        if (length <= 1) {
            drop(DropReason.BAD_LENGTH);
            return;
        }
        ClientSlot slot = slotsByAddress.get(from);
        EncryptionMappings.Entry mapping = slot != null ? slot.mapping : mappings.find(from, time);
        if (buf[0] == 0) {
            if (codec.readConnectionRequest(buf, length, privateKey, config.unixClock().getAsLong(),
                    minConnectTokenExpireTimestamp, packet)) {
                processConnectionRequest(from, buf, mapping);
                // The token was opened in place: leave no session keys in the receive buffer.
                Arrays.fill(buf, packet.privateTokenOffset(), packet.privateTokenOffset() + ConnectTokenPrivate.SEALED_BYTES,
                        (byte) 0);
            }
            else {
                drop(packet.dropReason());
            }
            return;
        }
        if (mapping == null) {
            drop(DropReason.NO_KEY);
            return;
        }
        if (!codec.readEncrypted(buf, length, mapping.receiveKey, PacketType.SERVER_ALLOWED,
                slot != null ? slot.replayProtection : null, packet)) {
            drop(packet.dropReason());
            return;
        }
        switch (packet.type()) {
            case CONNECTION_RESPONSE -> processConnectionResponse(from, buf, slot, mapping);
            case KEEP_ALIVE -> {
                if (slot == null) {
                    drop(DropReason.UNEXPECTED);
                    return;
                }
                received(slot, length);
            }
            case PAYLOAD -> {
                if (slot == null) {
                    drop(DropReason.UNEXPECTED);
                    return;
                }
                received(slot, length);
                notifyPayload(slot, buf, packet.bodyOffset(), packet.bodyLength());
            }
            case DISCONNECT -> {
                if (slot == null) {
                    drop(DropReason.UNEXPECTED);
                    return;
                }
                received(slot, length);
                log.debug("client {} in slot {} disconnected", slot.clientId, slot.index());
                disconnect(slot, DisconnectReason.CLIENT_DISCONNECT, false);
            }
            default -> drop(DropReason.BAD_TYPE);
        }
    }

    private void received(ClientSlot slot, int length) {
        slot.lastReceiveTime = time;
        slot.confirmed = true;
        slot.packetsReceived++;
        slot.bytesReceived += length;
    }

    /**
     * A request with a valid token: admit the token, keep (or make) the mapping for the handshake, and
     * answer with a challenge bound to both. {@code live} is the mapping {@code from} already has.
     */
    private void processConnectionRequest(NetcodeAddress from, byte[] buf, EncryptionMappings.Entry live) {
        int privateOffset = packet.privateTokenOffset();
        ConnectTokenPrivate token = ConnectTokenPrivate.read(buf, privateOffset);
        if (token == null) {
            drop(DropReason.TOKEN_INVALID);
            return;
        }
        if (!listsThisServer(token.serverAddresses())) {
            drop(DropReason.SERVER_ADDRESS_NOT_IN_TOKEN);
            return;
        }
        if (slotsByAddress.containsKey(from)) {
            drop(DropReason.ADDRESS_ALREADY_CONNECTED);
            return;
        }
        long clientId = token.clientId();
        if (isClientIdConnected(clientId)) {
            drop(DropReason.CLIENT_ID_ALREADY_CONNECTED);
            return;
        }
        // A new handshake from a host that has its share of them in progress is turned away before
        // its token takes a history entry; retransmissions (a live mapping) always get through.
        if (live == null && mappings.pendingFromHost(from, time) >= ServerConfig.MAX_PENDING_PER_IP) {
            drop(DropReason.TOO_MANY_PENDING_FROM_HOST);
            return;
        }
        int tagOffset = privateOffset + TAG_OFFSET_IN_PRIVATE;
        long expireTimestamp = packet.expireTimestamp();
        long unixNow = config.unixClock().getAsLong();
        int historyIndex = tokenHistory.admit(buf, tagOffset, from, expireTimestamp, time, unixNow);
        if (historyIndex == ConnectTokenHistory.FULL) {
            refuseForCapacity(DropReason.TOKEN_HISTORY_FULL, "connect-token history", tokenHistory.capacity(),
                    "tokens used within their lifetime; shorter token lifetimes free entries sooner");
            return;
        }
        if (historyIndex == ConnectTokenHistory.REFUSED) {
            drop(DropReason.TOKEN_ALREADY_USED);
            return;
        }
        byte[] serverToClientKey = token.serverToClientKey();
        if (isFull()) {
            sendDenied(from, serverToClientKey);
            return;
        }
        // A retransmitted request (its live mapping is for this token) gets a new challenge but no more
        // time: the handshake must finish within the mapping's life (re-sent requests used to extend it).
        EncryptionMappings.Entry mapping = live;
        if (mapping == null || mapping.tokenHistoryIndex != historyIndex) {
            mapping = startHandshake(from, token, historyIndex, expireTimestamp - unixNow, live);
            if (mapping == null) {
                return;
            }
        }
        ChallengeToken.write(challengeTokenBuffer, 0, clientId, token.userData());
        HandshakeBinding.write(challengeTokenBuffer, 0, historyIndex, mapping.index, expireTimestamp, buf, tagOffset);
        ChallengeToken.encrypt(codec.aead(), challengeTokenBuffer, 0, challengeSequence, challengeKey);
        int length = codec.writeChallenge(sendBuffer, globalSequence++, challengeSequence, challengeTokenBuffer, 0,
                serverToClientKey);
        challengeSequence++;
        send(from, length);
        log.debug("sent challenge to {} for client {}", from, Long.toUnsignedString(clientId));
    }

    /**
     * Makes the mapping for a new handshake: the first request with this token from {@code from}.
     * {@code replaced} is a live mapping of {@code from} for another token, which the new one takes
     * over. At most {@link ServerConfig#MAX_PENDING_PER_CLIENT_ID} handshakes stay pending per client
     * id: beyond that the id's oldest is given up, so one account cannot fill the table.
     *
     * @return the mapping, or {@code null} when the table is full
     */
    private EncryptionMappings.Entry startHandshake(NetcodeAddress from, ConnectTokenPrivate token, int historyIndex,
            long secondsToExpiry, EncryptionMappings.Entry replaced) {
        long clientId = token.clientId();
        if (replaced != null) {
            giveUp(replaced, from);
        }
        EncryptionMappings.Entry oldest;
        while ((oldest = mappings.oldestPendingBeyond(clientId, ServerConfig.MAX_PENDING_PER_CLIENT_ID, time)) != null
                && oldest != replaced) {
            giveUp(oldest, from);
            mappings.remove(oldest.address);
        }
        // A pending mapping lasts the token's timeout, and never past the token's expiry (unsigned: a
        // token that never expires has 2^64 - 1 there).
        int timeout = token.timeoutSeconds();
        double lifetime = secondsToExpiry >= 0 ? secondsToExpiry : Double.POSITIVE_INFINITY;
        double expireTime = timeout >= 0 ? time + Math.min(timeout, lifetime)
                : lifetime == Double.POSITIVE_INFINITY ? EncryptionMappings.NEVER : time + lifetime;
        EncryptionMappings.Entry mapping = mappings.add(from, token.serverToClientKey(), token.clientToServerKey(),
                time, expireTime, timeout);
        if (mapping == null) {
            refuseForCapacity(DropReason.ENCRYPTION_MAPPING_FULL, "encryption-mapping table", mappings.capacity(),
                    "sessions and handshakes in progress");
            return null;
        }
        mapping.tokenHistoryIndex = historyIndex;
        mapping.clientId = clientId;
        mapping.createTime = time;
        return mapping;
    }

    /** Ends the pending handshake of {@code mapping}: its token is refused from now on. */
    private void giveUp(EncryptionMappings.Entry mapping, NetcodeAddress newcomer) {
        tokenHistory.consume(mapping.tokenHistoryIndex);
        statistics.handshakesSuperseded.incrementAndGet();
        log.debug("gave up the pending handshake of client {} from {}: {} started a newer one",
                Long.toUnsignedString(mapping.clientId), mapping.address, newcomer);
    }

    private void processConnectionResponse(NetcodeAddress from, byte[] buf, ClientSlot slot,
            EncryptionMappings.Entry mapping) {
        if (slot != null) {
            drop(DropReason.ADDRESS_ALREADY_CONNECTED);
            return;
        }
        int tokenOffset = packet.challengeTokenOffset();
        if (!ChallengeToken.decrypt(codec.aead(), buf, tokenOffset, packet.challengeSequence(), challengeKey)) {
            drop(DropReason.CHALLENGE_TOKEN_INVALID);
            return;
        }
        long expireTimestamp = HandshakeBinding.expireTimestamp(buf, tokenOffset);
        if (Long.compareUnsigned(expireTimestamp, config.unixClock().getAsLong()) <= 0) {
            drop(DropReason.CHALLENGE_TOKEN_EXPIRED);
            return;
        }
        int historyIndex = HandshakeBinding.historyIndex(buf, tokenOffset);
        if (HandshakeBinding.mappingIndex(buf, tokenOffset) != mapping.index
                || mapping.tokenHistoryIndex != historyIndex
                || !tokenHistory.isPendingFor(historyIndex, from, expireTimestamp, buf,
                        HandshakeBinding.tagPrefixOffset(tokenOffset), HandshakeBinding.TAG_PREFIX_BYTES)) {
            drop(DropReason.CHALLENGE_TOKEN_MISMATCH);
            return;
        }
        long clientId = Bytes.readU64(buf, tokenOffset);
        int index = claimIndex(clientId);
        if (index == ClientIndexSpace.CLIENT_ID_CONNECTED) {
            drop(DropReason.CLIENT_ID_ALREADY_CONNECTED);
            return;
        }
        if (index == ClientIndexSpace.FULL) {
            sendDenied(from, mapping.sendKey);
            return;
        }
        ClientSlot free = slots[index];
        free.connect(clientId, from, Arrays.copyOfRange(buf, tokenOffset + 8, tokenOffset + 8 + NetcodeProtocol.USER_DATA_BYTES),
                mapping.timeout, time);
        free.mapping = mapping;
        mapping.ownerSlot = free.index();
        mapping.expireTime = EncryptionMappings.NEVER;
        tokenHistory.consume(historyIndex);
        slotsByAddress.put(from, free);
        connectedCount++;
        statistics.connectionsAccepted.incrementAndGet();
        sendKeepAlive(free);
        log.info("client {} connected from {} into slot {} ({}/{})", Long.toUnsignedString(clientId), from,
                free.index(), connectedCount, maxClients);
        notifyConnected(free);
    }

    private boolean listsThisServer(List<NetcodeAddress> tokenAddresses) {
        for (NetcodeAddress mine : serverAddresses) {
            if (tokenAddresses.contains(mine)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the lowest free slot for {@code clientId}: here, or server-wide when this is a shard, where another shard
     * may hold the id or the last free index.
     *
     * @return the slot index, {@link ClientIndexSpace#FULL} or {@link ClientIndexSpace#CLIENT_ID_CONNECTED}
     */
    private int claimIndex(long clientId) {
        if (indexSpace != null) {
            return indexSpace.claim(clientId, shard);
        }
        if (isClientIdConnected(clientId)) {
            return ClientIndexSpace.CLIENT_ID_CONNECTED;
        }
        if (connectedCount == maxClients) {
            return ClientIndexSpace.FULL;
        }
        for (ClientSlot candidate : slots) {
            if (!candidate.connected) {
                return candidate.index();
            }
        }
        return ClientIndexSpace.FULL;
    }

    /** Whether every slot is taken: here, or on the whole server when this is a shard. */
    private boolean isFull() {
        return indexSpace != null ? indexSpace.isFull() : connectedCount == maxClients;
    }

    private boolean isClientIdConnected(long clientId) {
        if (indexSpace != null) {
            return indexSpace.isClientIdConnected(clientId);
        }
        for (ClientSlot slot : slots) {
            if (slot.connected && slot.clientId == clientId) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops a request whose token is valid because a table is full. Unlike other drops this turns
     * away genuine players (only holders of tokens minted with our key get this far), so it is
     * logged, at most once a minute with the count since the last warning.
     */
    private void refuseForCapacity(DropReason reason, String table, int capacity, String holding) {
        drop(reason);
        capacityRefusalsSinceWarning++;
        if (time - lastCapacityWarningTime >= CAPACITY_WARNING_INTERVAL) {
            log.warn("ignoring connection requests with valid tokens: the {} is full ({} entries: {}); {} refused "
                    + "since the last warning", table, capacity, holding, capacityRefusalsSinceWarning);
            lastCapacityWarningTime = time;
            capacityRefusalsSinceWarning = 0;
        }
    }

    private void sendDenied(NetcodeAddress to, byte[] key) {
        connectionsDenied.incrementAndGet();
        int length = codec.writeDenied(sendBuffer, globalSequence++, key);
        send(to, length);
        log.debug("denied {}: server full", to);
    }

    private void sendKeepAlives() {
        for (ClientSlot slot : slots) {
            if (slot.connected && !slot.loopback && slot.lastSendTime + NetcodeProtocol.PACKET_SEND_INTERVAL <= time) {
                sendKeepAlive(slot);
            }
        }
    }

    /** Times out silent clients, and notes when the next keep-alive or timeout falls due. */
    private void checkTimeouts() {
        double next = Double.POSITIVE_INFINITY;
        for (ClientSlot slot : slots) {
            if (!slot.connected || slot.loopback) {
                continue;
            }
            if (slot.timeoutSeconds > 0) {
                double timeoutTime = slot.lastReceiveTime + slot.timeoutSeconds;
                if (timeoutTime <= time) {
                    log.info("client {} in slot {} timed out", Long.toUnsignedString(slot.clientId), slot.index());
                    disconnect(slot, DisconnectReason.TIMED_OUT, false);
                    continue;
                }
                next = Math.min(next, timeoutTime);
            }
            next = Math.min(next, slot.lastSendTime + NetcodeProtocol.PACKET_SEND_INTERVAL);
        }
        nextDeadline = next;
    }

    // ---- sending ------------------------------------------------------------------------------

    private void sendKeepAlive(ClientSlot slot) {
        int length = codec.writeKeepAlive(sendBuffer, slot.sequence++, slot.index(), maxClients, slot.mapping.sendKey);
        sendToSlot(slot, length);
    }

    private void sendToSlot(ClientSlot slot, int length) {
        send(slot.address, length);
        slot.lastSendTime = time;
        slot.mapping.lastAccessTime = time;
        slot.packetsSent++;
        slot.bytesSent += length;
    }

    private void send(NetcodeAddress to, int length) {
        transport.send(to, sendBuffer, 0, length);
        countSent();
    }

    /**
     * Sends a payload of 1..1200 bytes to the client in slot {@code clientIndex}. Does nothing if
     * the server is stopped or the slot is free. To a client that has not yet sent anything since
     * connecting, a keep-alive goes first, so a client whose first keep-alive was lost learns its
     * slot.
     *
     * @throws IllegalArgumentException for a payload of 0 or more than 1200 bytes
     */
    public void sendPayload(int clientIndex, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        ClientSlot slot = connectedSlot(clientIndex);
        if (slot == null) {
            return;
        }
        if (slot.loopback) {
            slot.packetsSent++;
            slot.bytesSent += length;
            config.loopbackPacketSender().sendLoopbackPacket(clientIndex, payload, offset, length, slot.sequence++);
            return;
        }
        if (!slot.confirmed) {
            sendKeepAlive(slot);
        }
        int packetLength = codec.writePayload(sendBuffer, slot.sequence++, payload, offset, length, slot.mapping.sendKey);
        sendToSlot(slot, packetLength);
    }

    public void sendPayload(int clientIndex, byte[] payload) {
        sendPayload(clientIndex, payload, 0, payload.length);
    }

    /**
     * As {@link #sendPayload(int, byte[], int, int)}, but only while slot {@code clientIndex} still
     * holds client {@code clientId}: a slot freed and taken by the next player never gets a payload
     * meant for the previous one.
     *
     * @return whether the payload was sent
     */
    public boolean sendPayload(int clientIndex, long clientId, byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        if (!holds(clientIndex, clientId)) {
            return false;
        }
        sendPayload(clientIndex, payload, offset, length);
        return true;
    }

    /** Sends a payload to every connected client. */
    public void broadcastPayload(byte[] payload, int offset, int length) {
        PacketCodec.checkPayloadLength(length);
        for (ClientSlot slot : slots) {
            if (slot.connected) {
                sendPayload(slot.index(), payload, offset, length);
            }
        }
    }

    /**
     * Disconnects the client in slot {@code clientIndex}: sends it 10 disconnect packets back to back
     * (redundancy against loss), then frees the slot with reason {@link DisconnectReason#SERVER_DISCONNECT}.
     */
    public void disconnectClient(int clientIndex) {
        ClientSlot slot = connectedSlot(clientIndex);
        if (slot == null || slot.loopback) {
            return;
        }
        disconnect(slot, DisconnectReason.SERVER_DISCONNECT, true);
    }

    /**
     * As {@link #disconnectClient(int)}, reporting {@code reason} to the event handler (and in
     * {@link #disconnectReason(int)}) instead of {@link DisconnectReason#SERVER_DISCONNECT}.
     */
    public void disconnectClient(int clientIndex, DisconnectReason reason) {
        ClientSlot slot = connectedSlot(clientIndex);
        if (slot == null || slot.loopback) {
            return;
        }
        disconnect(slot, Objects.requireNonNull(reason, "reason"), true);
    }

    /**
     * As {@link #disconnectClient(int)}, but only while slot {@code clientIndex} still holds network
     * client {@code clientId}.
     *
     * @return whether that client was disconnected
     */
    public boolean disconnectClient(int clientIndex, long clientId) {
        if (!holds(clientIndex, clientId) || slots[clientIndex].loopback) {
            return false;
        }
        disconnectClient(clientIndex);
        return true;
    }

    /** Whether slot {@code clientIndex} is occupied by client {@code clientId}. */
    public boolean holds(int clientIndex, long clientId) {
        ClientSlot slot = connectedSlot(clientIndex);
        return slot != null && slot.clientId == clientId;
    }

    /** Disconnects every network client; loopback clients stay. */
    public void disconnectAllClients() {
        if (!running) {
            return;
        }
        for (ClientSlot slot : slots) {
            if (slot.connected && !slot.loopback) {
                disconnect(slot, DisconnectReason.SERVER_DISCONNECT, true);
            }
        }
    }

    private void disconnect(ClientSlot slot, DisconnectReason reason, boolean sendPackets) {
        if (sendPackets && !slot.loopback) {
            for (int i = 0; i < NetcodeProtocol.NUM_DISCONNECT_PACKETS; i++) {
                int length = codec.writeDisconnect(sendBuffer, slot.sequence++, slot.mapping.sendKey);
                sendToSlot(slot, length);
            }
        }
        slot.disconnectReason = reason;
        if (reason != DisconnectReason.TIMED_OUT) {
            log.info("client {} in slot {} disconnected ({})", Long.toUnsignedString(slot.clientId), slot.index(),
                    reason);
        }
        // Free first, then tell: the handler sees the slot free and the count lowered (a game that
        // reacts by reading either must see the client gone), with the client's id, address and user
        // data still readable on the slot for the duration of the call.
        if (!slot.loopback) {
            slotsByAddress.remove(slot.address);
            mappings.remove(slot.address);
        }
        slot.connected = false;
        connectedCount--;
        try {
            events.onClientDisconnected(slot, reason);
        }
        catch (RuntimeException | Error ex) {
            handlerFailed("onClientDisconnected", ex);
        }
        // The slot was free during the call: the handler may have given it to a loopback client.
        if (!slot.connected) {
            slot.clear();
            // Only now may another shard take the index: its events must not overlap this one's on two threads.
            if (indexSpace != null) {
                indexSpace.release(slot.index());
            }
        }
    }

    // An application bug must not take the server down or leave a slot half-updated.

    private void notifyConnected(ClientSlot slot) {
        try {
            events.onClientConnected(slot);
        }
        catch (RuntimeException | Error ex) {
            handlerFailed("onClientConnected", ex);
        }
    }

    private void notifyPayload(ClientSlot slot, byte[] buf, int offset, int length) {
        try {
            events.onPayload(slot, buf, offset, length);
        }
        catch (RuntimeException | Error ex) {
            handlerFailed("onPayload", ex);
        }
    }

    /**
     * An {@code Error} is caught too: a handler's assertion or stack overflow must not end the server's
     * thread for good, and what the state machine holds is consistent at every handler call.
     */
    private void handlerFailed(String method, Throwable ex) {
        handlerErrors.incrementAndGet();
        log.warn("server event handler {} threw; the server carries on", method, ex);
    }

    // ---- loopback clients ---------------------------------------------------------------------

    /**
     * Puts an in-process client into slot {@code clientIndex}: it never touches the network, its
     * payloads arrive through {@link #processLoopbackPacket} and leave through the configured
     * {@link LoopbackPacketSender}. Refused (returns false) when no sender is configured, the server
     * is stopped, or the slot is taken.
     */
    public boolean connectLoopbackClient(int clientIndex, long clientId, byte[] userData) {
        if (config.loopbackPacketSender() == null) {
            log.warn("loopback client refused: no loopback packet sender is configured");
            return false;
        }
        if (!running || clientIndex < 0 || clientIndex >= maxClients || slots[clientIndex].connected
                || (indexSpace != null && !indexSpace.claim(clientIndex, clientId, shard))) {
            return false;
        }
        ClientSlot slot = slots[clientIndex];
        byte[] padded = Arrays.copyOf(userData == null ? new byte[0] : userData, NetcodeProtocol.USER_DATA_BYTES);
        slot.connect(clientId, null, padded, -1, time);
        slot.loopback = true;
        slot.confirmed = true;
        connectedCount++;
        statistics.connectionsAccepted.incrementAndGet();
        log.info("loopback client {} connected into slot {}", Long.toUnsignedString(clientId), clientIndex);
        notifyConnected(slot);
        return true;
    }

    /** Frees a loopback client's slot (no packets are sent). */
    public void disconnectLoopbackClient(int clientIndex) {
        ClientSlot slot = connectedSlot(clientIndex);
        if (slot != null && slot.loopback) {
            disconnect(slot, DisconnectReason.SERVER_DISCONNECT, false);
        }
    }

    /** A payload from the loopback client in {@code clientIndex}, delivered as if it came off the wire. */
    public void processLoopbackPacket(int clientIndex, byte[] payload, int offset, int length) {
        ClientSlot slot = connectedSlot(clientIndex);
        if (slot == null || !slot.loopback) {
            return;
        }
        slot.lastReceiveTime = time;
        slot.packetsReceived++;
        slot.bytesReceived += length;
        notifyPayload(slot, payload, offset, length);
    }

    // ---- queries ------------------------------------------------------------------------------

    private ClientSlot connectedSlot(int clientIndex) {
        if (!running || clientIndex < 0 || clientIndex >= maxClients) {
            return null;
        }
        ClientSlot slot = slots[clientIndex];
        return slot.connected ? slot : null;
    }

    public boolean isRunning() {
        return running;
    }

    /** Slots while running; 0 when stopped. */
    public int maxClients() {
        return maxClients;
    }

    /** Clients in this state machine's slots (with shards, this shard's: {@link NetcodeServer} counts them all). */
    public int connectedClientCount() {
        return connectedCount;
    }

    public boolean isClientConnected(int clientIndex) {
        return connectedSlot(clientIndex) != null;
    }

    /** The slot at {@code clientIndex}, or {@code null} when out of range or stopped. */
    public ClientSlot slot(int clientIndex) {
        return running && clientIndex >= 0 && clientIndex < maxClients ? slots[clientIndex] : null;
    }

    /** The occupied slots, in index order. */
    public List<ClientSlot> connectedSlots() {
        List<ClientSlot> out = new ArrayList<>(connectedCount);
        for (ClientSlot slot : slots) {
            if (slot.connected) {
                out.add(slot);
            }
        }
        return out;
    }

    /** The slot index of a connected client id, or -1. */
    public int findClientIndex(long clientId) {
        for (ClientSlot slot : slots) {
            if (slot.connected && slot.clientId == clientId) {
                return slot.index();
            }
        }
        return -1;
    }

    /** Why the slot was last freed, {@link DisconnectReason#NONE} if never or connected now. */
    public DisconnectReason disconnectReason(int clientIndex) {
        ClientSlot slot = slot(clientIndex);
        return slot == null ? DisconnectReason.NONE : slot.disconnectReason;
    }

    public double time() {
        return time;
    }

    public ServerConfig config() {
        return config;
    }

    public NetcodeAddress localAddress() {
        return transport.localAddress();
    }

    /** The addresses connect tokens must list for this server. */
    public List<NetcodeAddress> serverAddresses() {
        return serverAddresses;
    }

    /** The next sequence for challenge and denied packets; 2^63 after every start. */
    public long globalSequence() {
        return globalSequence;
    }

    /** Tokens expiring before this Unix time are refused (the restart rule). */
    public long minConnectTokenExpireTimestamp() {
        return minConnectTokenExpireTimestamp;
    }

    /** The running totals this server adds to. */
    public ServerStatistics statistics() {
        return statistics;
    }

    public DropCounters dropCounters() {
        return drops;
    }

    /** Datagrams received, exact; call on the server's thread (other threads read {@link ServerStatistics}). */
    public long packetsReceived() {
        return packetsReceived.get() + unpublishedReceived;
    }

    /** Datagrams sent, exact; call on the server's thread (other threads read {@link ServerStatistics}). */
    public long packetsSent() {
        return packetsSent.get() + unpublishedSent;
    }

    /** Connection requests and responses answered with "denied" because every slot was taken. */
    public long connectionsDenied() {
        return connectionsDenied.get();
    }

    /** Exceptions thrown by the {@link ServerEventHandler}, caught and logged. */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    Transport transport() {
        return transport;
    }

    EncryptionMappings encryptionMappings() {
        return mappings;
    }

    ConnectTokenHistory tokenHistory() {
        return tokenHistory;
    }
}
