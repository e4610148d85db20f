package dev.netcode.boot.actuate.endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.util.Assert;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.crypto.Aead;
import dev.netcode.fleet.DirectoryStatistics;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.message.ChannelStats;
import dev.netcode.message.ConnectionStats;
import dev.netcode.message.MessageServer;
import dev.netcode.packet.DropReason;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerSnapshot;
import dev.netcode.server.ServerStatistics;
import dev.netcode.transport.SocketBufferSizes;

/**
 * {@link Endpoint @Endpoint} that shows a {@link NetcodeServer}'s slots and totals, and
 * disconnects a client.
 *
 * <ul>
 * <li>{@code GET /actuator/netcode} ({@link #server()}): protocol id, addresses, slot
 * occupancy with per-client counters (with {@code netcode.channels}, also each connection's
 * round-trip time, packet loss, bandwidth and channel counters), and totals since the server was
 * created.</li>
 * <li>{@code DELETE /actuator/netcode/{slot}?clientId={id}} ({@link #disconnect(int, String)}):
 * disconnects that network client if it still holds that slot (it gets the protocol's
 * redundant disconnect packets), never another client that took the slot since; says what
 * was done, and why not ({@link NetcodeEndpointWebExtension} answers 409 Conflict then).</li>
 * </ul>
 *
 * <p>In a fleet the descriptor has a {@code fleet} section: the directory kind, this server's id
 * and whether it is listed, the live servers with their slots as this application sees them,
 * totals and this application's directory statistics, or an {@code error} when the directory
 * cannot be reached. A token issuer without a game server ({@code netcode.server.enabled=false})
 * has the endpoint too, with {@code running=false}, no slots and the fleet section.
 *
 * <p>Nothing here holds key material: the descriptors are built from the server's
 * addresses, counters and client ids only, never from its configuration object; the fleet
 * section from what servers announce, never from the directory's connection settings.
 *
 * <p>Access is controlled like any endpoint's: {@code management.endpoint.netcode.access}
 * ({@code none}, {@code read-only}, the default, which keeps the monitoring view but refuses
 * disconnects, or {@code unrestricted} to allow them), and it must be exposed, for example with
 * {@code management.endpoints.web.exposure.include=health,netcode}. The descriptor lists player
 * addresses and the delete operation kicks players: with Spring Security the starter requires
 * role {@code netcode.endpoint.role} for it over HTTP (see
 * {@code NetcodeEndpointSecurityAutoConfiguration}); without it nothing guards the endpoint.
 */
@Endpoint(id = "netcode", defaultAccess = Access.READ_ONLY)
public class NetcodeEndpoint {

    private static final long DISCONNECT_TIMEOUT_MILLIS = 5_000;

    private static final String NO_SERVER = "there is no netcode server in this application";

    private final @Nullable NetcodeServer server;

    private final @Nullable MessageServer messages;

    private final @Nullable NetcodeFleet fleet;

    /** The issuer's protocol id when there is no server (a server's is read from its configuration). */
    private final long protocolId;

    public NetcodeEndpoint(NetcodeServer server) {
        this(server, null);
    }

    /**
     * Create an endpoint for {@code server}, whose slots also show their connection's
     * measurements and channel counters when {@code messages} is given.
     * @param server the server to describe
     * @param messages the server's message layer, or {@code null} without channels
     */
    public NetcodeEndpoint(NetcodeServer server, @Nullable MessageServer messages) {
        this(server, messages, null);
    }

    /**
     * Create an endpoint for {@code server} in {@code fleet}.
     * @param server the server to describe
     * @param messages the server's message layer, or {@code null} without channels
     * @param fleet the fleet the server is in, or {@code null} outside one
     */
    public NetcodeEndpoint(NetcodeServer server, @Nullable MessageServer messages, @Nullable NetcodeFleet fleet) {
        Assert.notNull(server, "'server' must not be null");
        this.server = server;
        this.messages = messages;
        this.fleet = fleet;
        this.protocolId = 0;
    }

    /**
     * Create an endpoint for a token issuer without a game server, showing {@code fleet}.
     * @param protocolId the protocol id the issuer issues tokens for
     * @param fleet the fleet it issues tokens for
     */
    public NetcodeEndpoint(long protocolId, NetcodeFleet fleet) {
        Assert.notNull(fleet, "'fleet' must not be null");
        this.server = null;
        this.messages = null;
        this.fleet = fleet;
        this.protocolId = protocolId;
    }

    /**
     * Describe the server: a consistent picture of its slots taken on the server's thread,
     * or, when it is not running, {@code running=false} with no slots.
     * @return the server descriptor
     */
    @ReadOperation
    public NetcodeServerDescriptor server() {
        FleetDescriptor fleet = (this.fleet != null) ? FleetDescriptor.of(this.fleet) : null;
        if (this.server == null) {
            return new NetcodeServerDescriptor(this.protocolId, false, null, List.of(), 0, 0, List.of(), null, null, null,
                    fleet);
        }
        ServerSnapshot snapshot = null;
        if (this.server.isRunning()) {
            try {
                snapshot = this.server.snapshot();
            }
            catch (IllegalStateException ex) {
                if (this.server.isRunning()) {
                    throw ex;
                }
                // Stopped between the check and the query.
            }
        }
        long protocolId = this.server.config().protocolId();
        TotalsDescriptor totals = TotalsDescriptor.of(this.server.statistics());
        if (snapshot == null) {
            return new NetcodeServerDescriptor(protocolId, false, null, this.server.serverAddresses(),
                    this.server.maxClients(), 0, List.of(), totals, this.server.transportName(), null, fleet);
        }
        List<ClientDescriptor> clients = snapshot.clients()
            .stream()
            .map((client) -> new ClientDescriptor(client, connectionStats(client)))
            .toList();
        return new NetcodeServerDescriptor(protocolId, true, snapshot.boundAddress(), snapshot.serverAddresses(),
                snapshot.maxClients(), snapshot.connectedClients(), clients, totals, this.server.transportName(),
                SocketBuffersDescriptor.of(this.server), fleet);
    }

    /**
     * Disconnect network client {@code clientId} from {@code slot}, if it still holds it. The
     * client id makes sure the player the caller saw is the one kicked: a slot freed and taken
     * by another client since is left alone. Loopback clients are left alone too: the
     * application that connected them disconnects them.
     * @param slot the slot index, {@code 0} to {@code maxClients - 1}
     * @param clientId the client id as an unsigned decimal number, as
     * {@link ClientDescriptor#getClientId()} shows it
     * @return what was done, and why nothing was if so
     */
    @DeleteOperation
    public DisconnectDescriptor disconnect(@Selector int slot, String clientId) {
        NetcodeServer server = this.server;
        if (server == null) {
            return new DisconnectDescriptor(slot, parseClientId(clientId), NO_SERVER);
        }
        if (slot < 0 || slot >= server.maxClients()) {
            throw new InvalidEndpointRequestException("Slot " + slot + " is out of range",
                    "slot must be 0.." + (server.maxClients() - 1));
        }
        long id = parseClientId(clientId);
        if (!server.isRunning()) {
            return new DisconnectDescriptor(slot, id, "the netcode server is not running");
        }
        CompletableFuture<@Nullable String> refusal = server.call(slot, (machine) -> {
            if (machine.disconnectClient(slot, id)) {
                return null;
            }
            ClientSlot occupant = machine.slot(slot);
            if (occupant == null || !occupant.isConnected()) {
                return "slot " + slot + " is free";
            }
            if (occupant.clientId() != id) {
                return "slot " + slot + " holds another client";
            }
            return "the client in slot " + slot + " is a loopback client: the application that connected it "
                    + "disconnects it";
        });
        return new DisconnectDescriptor(slot, id, await(refusal));
    }

    private @Nullable ConnectionStats connectionStats(ServerSnapshot.Client client) {
        if (this.messages == null || !this.messages.isConnected(client.index(), client.clientId())) {
            return null;
        }
        return this.messages.stats(client.index());
    }

    private static long parseClientId(String clientId) {
        try {
            return Long.parseUnsignedLong(clientId.trim());
        }
        catch (NumberFormatException ex) {
            throw new InvalidEndpointRequestException("Invalid client id",
                    "clientId must be an unsigned 64-bit decimal number, as GET /actuator/netcode lists it");
        }
    }

    private @Nullable String await(CompletableFuture<@Nullable String> future) {
        try {
            return future.get(DISCONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while disconnecting a netcode client", ex);
        }
        catch (ExecutionException ex) {
            if (!this.server.isRunning()) {
                return "the netcode server is not running";
            }
            throw new IllegalStateException("Disconnecting a netcode client failed", ex.getCause());
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException(
                    "The netcode server did not answer within " + DISCONNECT_TIMEOUT_MILLIS + " ms", ex);
        }
    }

    private static @Nullable String text(@Nullable NetcodeAddress address) {
        return (address != null) ? address.toString() : null;
    }

    /**
     * Description of a netcode server.
     */
    public static final class NetcodeServerDescriptor implements OperationResponseBody {

        private final String protocolId;

        private final boolean running;

        private final @Nullable String boundAddress;

        private final List<String> publicAddresses;

        private final int maxClients;

        private final int connectedClients;

        private final List<ClientDescriptor> clients;

        private final @Nullable TotalsDescriptor totals;

        private final String crypto = "libsodium via " + Aead.nativeBinding();

        private final @Nullable String transport;

        private final @Nullable SocketBuffersDescriptor socketBuffers;

        private final @Nullable FleetDescriptor fleet;

        private NetcodeServerDescriptor(long protocolId, boolean running, @Nullable NetcodeAddress boundAddress,
                List<NetcodeAddress> publicAddresses, int maxClients, int connectedClients,
                List<ClientDescriptor> clients, @Nullable TotalsDescriptor totals, @Nullable String transport,
                @Nullable SocketBuffersDescriptor socketBuffers, @Nullable FleetDescriptor fleet) {
            this.protocolId = String.format(Locale.ROOT, "0x%016x", protocolId);
            this.running = running;
            this.boundAddress = text(boundAddress);
            this.publicAddresses = publicAddresses.stream().map(NetcodeAddress::toString).toList();
            this.maxClients = maxClients;
            this.connectedClients = connectedClients;
            this.clients = List.copyOf(clients);
            this.totals = totals;
            this.transport = transport;
            this.socketBuffers = socketBuffers;
            this.fleet = fleet;
        }

        /**
         * Return the protocol id, as {@code 0x} and 16 hex digits.
         * @return the protocol id
         */
        public String getProtocolId() {
            return this.protocolId;
        }

        public boolean isRunning() {
            return this.running;
        }

        /**
         * Return the address the UDP socket is bound to, with the real port, or
         * {@code null} when the server is not running.
         * @return the bound address
         */
        public @Nullable String getBoundAddress() {
            return this.boundAddress;
        }

        /**
         * Return the addresses clients connect to, as connect tokens list them.
         * @return the public addresses
         */
        public List<String> getPublicAddresses() {
            return this.publicAddresses;
        }

        public int getMaxClients() {
            return this.maxClients;
        }

        public int getConnectedClients() {
            return this.connectedClients;
        }

        /**
         * Return the occupied slots, in index order.
         * @return the clients
         */
        public List<ClientDescriptor> getClients() {
            return this.clients;
        }

        /**
         * Return the totals since the server was created, or {@code null} on a token issuer
         * without a game server.
         * @return the totals
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable TotalsDescriptor getTotals() {
            return this.totals;
        }

        /**
         * Return how this process calls libsodium: {@code libsodium via JNI} (netcode's JNI
         * library, the fast path) or {@code libsodium via JNA} (~300 ns more per packet).
         * @return the crypto binding
         */
        public String getCrypto() {
            return this.crypto;
        }

        /**
         * Return the UDP transport the server runs on ({@code native} or {@code epoll}, batched Linux
         * system calls, or {@code nio}, the JDK's {@code DatagramChannel}; see
         * {@code netcode.server.transport}), or
         * {@code null} when it never started or was given a transport of its own.
         * @return the transport's name
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable String getTransport() {
            return this.transport;
        }

        /**
         * Return the UDP socket's buffer sizes, or {@code null} when the server is not running
         * or not on a UDP socket.
         * @return the socket buffer sizes
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable SocketBuffersDescriptor getSocketBuffers() {
            return this.socketBuffers;
        }

        /**
         * Return the fleet as this application sees it, or {@code null} outside a fleet.
         * @return the fleet
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable FleetDescriptor getFleet() {
            return this.fleet;
        }

    }

    /**
     * The UDP socket's buffers: the size asked for, what the OS granted (as {@code getOption}
     * reports it, the size it accepted), and what the server's max clients need
     * ({@link NetcodeServer#socketBufferBytesNeeded(int)}).
     */
    public static final class SocketBuffersDescriptor {

        private final int requestedBytes;

        private final int receiveBytes;

        private final int sendBytes;

        private final long neededBytes;

        private SocketBuffersDescriptor(SocketBufferSizes sizes, long neededBytes) {
            this.requestedBytes = sizes.requestedBytes();
            this.receiveBytes = sizes.receiveBytes();
            this.sendBytes = sizes.sendBytes();
            this.neededBytes = neededBytes;
        }

        private static @Nullable SocketBuffersDescriptor of(NetcodeServer server) {
            SocketBufferSizes sizes = server.socketBuffers();
            return (sizes != null)
                    ? new SocketBuffersDescriptor(sizes, NetcodeServer.socketBufferBytesNeeded(server.maxClients()))
                    : null;
        }

        public int getRequestedBytes() {
            return this.requestedBytes;
        }

        public int getReceiveBytes() {
            return this.receiveBytes;
        }

        public int getSendBytes() {
            return this.sendBytes;
        }

        /**
         * Return the bytes each buffer needs for the server's max clients; below it the
         * server warned at start-up.
         * @return the bytes needed
         */
        public long getNeededBytes() {
            return this.neededBytes;
        }

    }

    /**
     * The fleet as this application sees it: read from its directory when the endpoint is read.
     */
    public static final class FleetDescriptor {

        private final String directory;

        private final @Nullable String serverId;

        private final @Nullable Boolean listed;

        private final List<FleetServerDescriptor> servers;

        private final @Nullable FleetTotalsDescriptor totals;

        private final DirectoryStatistics statistics;

        private final @Nullable String error;

        private FleetDescriptor(NetcodeFleet fleet, List<FleetServer> servers, @Nullable String error) {
            this.directory = fleet.directoryKind();
            this.serverId = fleet.serverId();
            this.listed = (this.serverId != null) ? fleet.isListed() : null;
            this.servers = servers.stream().map(FleetServerDescriptor::new).toList();
            this.totals = (error == null) ? new FleetTotalsDescriptor(servers) : null;
            this.statistics = fleet.statistics();
            this.error = error;
        }

        private static FleetDescriptor of(NetcodeFleet fleet) {
            try {
                return new FleetDescriptor(fleet, fleet.servers(), null);
            }
            catch (ServerDirectoryUnavailableException ex) {
                return new FleetDescriptor(fleet, List.of(), "The fleet's directory cannot be reached: " + ex.getMessage());
            }
            catch (RuntimeException ex) {
                // Redis refused the script (a cluster slot error, a script another version left): the
                // rest of the endpoint still answers, and says why the fleet is missing.
                return new FleetDescriptor(fleet, List.of(), "The fleet's directory could not be read: " + ex.getMessage());
            }
        }

        /**
         * Return the kind of directory: {@code in-memory}, {@code redis}, or the class of the
         * application's own.
         * @return the directory kind
         */
        public String getDirectory() {
            return this.directory;
        }

        /**
         * Return the id this application's game server is listed under, or {@code null} on a
         * token issuer without one.
         * @return the server id
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable String getServerId() {
            return this.serverId;
        }

        /**
         * Return whether this application's game server runs and its last heartbeat reached the
         * directory, or {@code null} without one.
         * @return whether the server is listed
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable Boolean getListed() {
            return this.listed;
        }

        /**
         * Return the live servers, by id; empty when the directory cannot be reached.
         * @return the servers
         */
        public List<FleetServerDescriptor> getServers() {
            return this.servers;
        }

        /**
         * Return the sums over the live servers, or {@code null} when the directory cannot be
         * reached.
         * @return the totals
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable FleetTotalsDescriptor getTotals() {
            return this.totals;
        }

        /**
         * Return what this application's directory instance has done since start-up.
         * @return the statistics
         */
        public DirectoryStatistics getStatistics() {
            return this.statistics;
        }

        /**
         * Return why the directory could not be read, or {@code null} when it could.
         * @return the error
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public @Nullable String getError() {
            return this.error;
        }

    }

    /**
     * One live server of the fleet, as its directory sees it.
     */
    public static final class FleetServerDescriptor {

        private final String serverId;

        private final String protocolId;

        private final List<String> publicAddresses;

        private final int maxClients;

        private final int connectedClients;

        private final int reservedSlots;

        private final int freeSlots;

        private final Map<String, String> labels;

        private final Instant startedAt;

        private FleetServerDescriptor(FleetServer server) {
            this.serverId = server.serverId();
            this.protocolId = String.format(Locale.ROOT, "0x%016x", server.protocolId());
            this.publicAddresses = server.publicAddresses().stream().map(NetcodeAddress::toString).toList();
            this.maxClients = server.maxClients();
            this.connectedClients = server.connectedClients();
            this.reservedSlots = server.reservedSlots();
            this.freeSlots = server.freeSlots();
            this.labels = server.labels();
            this.startedAt = server.startedAt();
        }

        public String getServerId() {
            return this.serverId;
        }

        /**
         * Return the protocol id it serves, as {@code 0x} and 16 hex digits.
         * @return the protocol id
         */
        public String getProtocolId() {
            return this.protocolId;
        }

        /**
         * Return the addresses tokens list for it, in order.
         * @return the public addresses
         */
        public List<String> getPublicAddresses() {
            return this.publicAddresses;
        }

        public int getMaxClients() {
            return this.maxClients;
        }

        /**
         * Return the clients connected at its last heartbeat.
         * @return the connected clients
         */
        public int getConnectedClients() {
            return this.connectedClients;
        }

        /**
         * Return the slots held for players who have a token for it but have not connected.
         * @return the reserved slots
         */
        public int getReservedSlots() {
            return this.reservedSlots;
        }

        public int getFreeSlots() {
            return this.freeSlots;
        }

        public Map<String, String> getLabels() {
            return this.labels;
        }

        public Instant getStartedAt() {
            return this.startedAt;
        }

    }

    /**
     * Sums over the fleet's live servers.
     */
    public static final class FleetTotalsDescriptor {

        private final int servers;

        private final int maxClients;

        private final int connectedClients;

        private final int reservedSlots;

        private final int freeSlots;

        private FleetTotalsDescriptor(List<FleetServer> servers) {
            this.servers = servers.size();
            this.maxClients = servers.stream().mapToInt(FleetServer::maxClients).sum();
            this.connectedClients = servers.stream().mapToInt(FleetServer::connectedClients).sum();
            this.reservedSlots = servers.stream().mapToInt(FleetServer::reservedSlots).sum();
            this.freeSlots = servers.stream().mapToInt(FleetServer::freeSlots).sum();
        }

        public int getServers() {
            return this.servers;
        }

        public int getMaxClients() {
            return this.maxClients;
        }

        public int getConnectedClients() {
            return this.connectedClients;
        }

        public int getReservedSlots() {
            return this.reservedSlots;
        }

        public int getFreeSlots() {
            return this.freeSlots;
        }

    }

    /**
     * Description of a client in an occupied slot.
     */
    public static final class ClientDescriptor {

        private final int index;

        private final String clientId;

        private final @Nullable String address;

        private final boolean loopback;

        private final Instant connectedSince;

        private final Instant lastPacketReceived;

        private final long packetsReceived;

        private final long packetsSent;

        private final long bytesReceived;

        private final long bytesSent;

        private final @Nullable ConnectionDescriptor connection;

        private ClientDescriptor(ServerSnapshot.Client client, @Nullable ConnectionStats stats) {
            this.index = client.index();
            this.clientId = Long.toUnsignedString(client.clientId());
            this.address = text(client.address());
            this.loopback = client.loopback();
            this.connectedSince = client.connectedSince();
            this.lastPacketReceived = client.lastPacketReceived();
            this.packetsReceived = client.packetsReceived();
            this.packetsSent = client.packetsSent();
            this.bytesReceived = client.bytesReceived();
            this.bytesSent = client.bytesSent();
            this.connection = (stats != null) ? new ConnectionDescriptor(stats) : null;
        }

        public int getIndex() {
            return this.index;
        }

        /**
         * Return the client id as an unsigned decimal number (ids are unsigned 64-bit).
         * @return the client id
         */
        public String getClientId() {
            return this.clientId;
        }

        /**
         * Return the client's address, or {@code null} for a loopback client.
         * @return the address
         */
        public @Nullable String getAddress() {
            return this.address;
        }

        public boolean isLoopback() {
            return this.loopback;
        }

        public Instant getConnectedSince() {
            return this.connectedSince;
        }

        public Instant getLastPacketReceived() {
            return this.lastPacketReceived;
        }

        public long getPacketsReceived() {
            return this.packetsReceived;
        }

        public long getPacketsSent() {
            return this.packetsSent;
        }

        public long getBytesReceived() {
            return this.bytesReceived;
        }

        public long getBytesSent() {
            return this.bytesSent;
        }

        /**
         * Return the message layer's measurements of the client's connection, or {@code null}
         * without {@code netcode.channels}.
         * @return the connection
         */
        public @Nullable ConnectionDescriptor getConnection() {
            return this.connection;
        }

    }

    /**
     * Measurements of one client's connection by the message layer (at most 0.1 s old), and its
     * channels' counters.
     */
    public static final class ConnectionDescriptor {

        private final double rttMillis;

        private final double packetLossPercent;

        private final double sentKbps;

        private final double receivedKbps;

        private final double ackedKbps;

        private final long packetsInvalid;

        private final List<ChannelDescriptor> channels;

        private ConnectionDescriptor(ConnectionStats stats) {
            this.rttMillis = stats.rttMillis();
            this.packetLossPercent = stats.packetLossPercent();
            this.sentKbps = stats.sentKbps();
            this.receivedKbps = stats.receivedKbps();
            this.ackedKbps = stats.ackedKbps();
            this.packetsInvalid = stats.packetsInvalid();
            this.channels = stats.channels().stream().map(ChannelDescriptor::new).toList();
        }

        /**
         * Return the smoothed round-trip time measured from acks.
         * @return the round-trip time in milliseconds
         */
        public double getRttMillis() {
            return this.rttMillis;
        }

        /**
         * Return the smoothed share of the server's packets that were not acked.
         * @return the packet loss in percent
         */
        public double getPacketLossPercent() {
            return this.packetLossPercent;
        }

        /**
         * Return the smoothed bandwidth sent to the client, headers included.
         * @return kilobits per second
         */
        public double getSentKbps() {
            return this.sentKbps;
        }

        /**
         * Return the smoothed bandwidth received from the client.
         * @return kilobits per second
         */
        public double getReceivedKbps() {
            return this.receivedKbps;
        }

        /**
         * Return the smoothed bandwidth of the server's packets the client acked.
         * @return kilobits per second
         */
        public double getAckedKbps() {
            return this.ackedKbps;
        }

        /**
         * Return the client's packets refused for bad message framing.
         * @return the invalid packets
         */
        public long getPacketsInvalid() {
            return this.packetsInvalid;
        }

        /**
         * Return the channels' counters, in channel-id order.
         * @return the channels
         */
        public List<ChannelDescriptor> getChannels() {
            return this.channels;
        }

    }

    /**
     * One channel's counters on one connection.
     */
    public static final class ChannelDescriptor {

        private final String name;

        private final String delivery;

        private final long messagesSent;

        private final long messagesReceived;

        private final long messagesDropped;

        private final long sendsRefused;

        private final long messagesResent;

        private final long bufferedBytes;

        private ChannelDescriptor(ChannelStats stats) {
            this.name = stats.name();
            this.delivery = stats.delivery().name().toLowerCase(Locale.ROOT).replace('_', '-');
            this.messagesSent = stats.messagesSent();
            this.messagesReceived = stats.messagesReceived();
            this.messagesDropped = stats.messagesDropped();
            this.sendsRefused = stats.sendsRefused();
            this.messagesResent = stats.messagesResent();
            this.bufferedBytes = stats.bufferedBytes();
        }

        public String getName() {
            return this.name;
        }

        /**
         * Return the delivery mode as configured, for example {@code reliable-ordered}.
         * @return the delivery mode
         */
        public String getDelivery() {
            return this.delivery;
        }

        public long getMessagesSent() {
            return this.messagesSent;
        }

        public long getMessagesReceived() {
            return this.messagesReceived;
        }

        /**
         * Return the unreliable messages dropped, sending (no room in a flush) or receiving
         * (sequenced ones older than one delivered).
         * @return the dropped messages
         */
        public long getMessagesDropped() {
            return this.messagesDropped;
        }

        /**
         * Return the sends to this client refused because its send queue or window on the
         * channel was full, broadcasts that skipped it included.
         * @return the refused sends
         */
        public long getSendsRefused() {
            return this.sendsRefused;
        }

        /**
         * Return the re-sends of reliable messages and fragments not acked in time.
         * @return the re-sends
         */
        public long getMessagesResent() {
            return this.messagesResent;
        }

        /**
         * Return the message data the channel holds now, sending and receiving.
         * @return the bytes
         */
        public long getBufferedBytes() {
            return this.bufferedBytes;
        }

    }

    /**
     * Totals since the server was created, across restarts.
     */
    public static final class TotalsDescriptor {

        private final long packetsReceived;

        private final long packetsSent;

        private final long connectionsAccepted;

        private final long connectionsDenied;

        private final Map<String, Long> drops;

        private TotalsDescriptor(ServerStatistics statistics) {
            this.packetsReceived = statistics.packetsReceived();
            this.packetsSent = statistics.packetsSent();
            this.connectionsAccepted = statistics.connectionsAccepted();
            this.connectionsDenied = statistics.connectionsDenied();
            Map<String, Long> drops = new LinkedHashMap<>();
            for (Map.Entry<DropReason, Long> entry : statistics.drops().snapshot().entrySet()) {
                drops.put(entry.getKey().name().toLowerCase(Locale.ROOT), entry.getValue());
            }
            this.drops = Collections.unmodifiableMap(drops);
        }

        private static TotalsDescriptor of(ServerStatistics statistics) {
            return new TotalsDescriptor(statistics);
        }

        public long getPacketsReceived() {
            return this.packetsReceived;
        }

        public long getPacketsSent() {
            return this.packetsSent;
        }

        public long getConnectionsAccepted() {
            return this.connectionsAccepted;
        }

        public long getConnectionsDenied() {
            return this.connectionsDenied;
        }

        /**
         * Return the dropped datagrams by lower-case {@link DropReason} name, non-zero counts
         * only.
         * @return the drops
         */
        public Map<String, Long> getDrops() {
            return this.drops;
        }

    }

    /**
     * Outcome of a disconnect request.
     */
    public static final class DisconnectDescriptor implements OperationResponseBody {

        private final int slot;

        private final String clientId;

        private final @Nullable String reason;

        private DisconnectDescriptor(int slot, long clientId, @Nullable String reason) {
            this.slot = slot;
            this.clientId = Long.toUnsignedString(clientId);
            this.reason = reason;
        }

        public int getSlot() {
            return this.slot;
        }

        /**
         * Return the id of the client the request named, as an unsigned decimal number.
         * @return the client id
         */
        public String getClientId() {
            return this.clientId;
        }

        /**
         * Return whether that client held the slot and has been disconnected.
         * @return whether the client was disconnected
         */
        public boolean isDisconnected() {
            return this.reason == null;
        }

        /**
         * Return why nothing was disconnected (for example {@code slot 3 holds another
         * client}), or {@code null} when the client was.
         * @return the reason, if nothing was disconnected
         */
        public @Nullable String getReason() {
            return this.reason;
        }

    }

}
