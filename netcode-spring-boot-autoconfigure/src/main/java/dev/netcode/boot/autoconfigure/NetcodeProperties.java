package dev.netcode.boot.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.server.ServerConfig;
import dev.netcode.transport.TransportSelection;

/**
 * Configuration of netcode game servers and of the connect tokens issued for them.
 */
@ConfigurationProperties("netcode")
public class NetcodeProperties {

    /**
     * Protocol id of the game: hex with a 0x prefix (for example 0x1122334455667788) or decimal.
     * Clients, token issuers and servers of one game must agree on it; other games' tokens are
     * refused.
     */
    private String protocolId = "0x0";

    /**
     * Private key shared by token issuers and game servers: 32 bytes as 64 hex digits or as base64.
     * When unset, a random key is generated at start-up, so tokens only work with this instance.
     */
    private String privateKey;

    private final Server server = new Server();

    private final Token token = new Token();

    private final Listener listener = new Listener();

    private final Endpoint endpoint = new Endpoint();

    /**
     * Channels of the message layer, by name (lower-case letters, digits and '-'), each with its
     * delivery (unreliable, unreliable-sequenced, reliable-ordered or reliable-unordered) and limits.
     * Configuring any switches the server from raw payloads to channel messages, so clients must use
     * the same channels: channel ids are the positions of the names sorted alphabetically, never the
     * order of declaration.
     */
    private final Map<String, Channel> channels = new LinkedHashMap<>();

    private final Messages messages = new Messages();

    private final Fleet fleet = new Fleet();

    public String getProtocolId() {
        return this.protocolId;
    }

    public void setProtocolId(String protocolId) {
        this.protocolId = protocolId;
    }

    public String getPrivateKey() {
        return this.privateKey;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    public Server getServer() {
        return this.server;
    }

    public Token getToken() {
        return this.token;
    }

    public Listener getListener() {
        return this.listener;
    }

    public Endpoint getEndpoint() {
        return this.endpoint;
    }

    public Map<String, Channel> getChannels() {
        return this.channels;
    }

    public Messages getMessages() {
        return this.messages;
    }

    public Fleet getFleet() {
        return this.fleet;
    }

    public static class Server {

        /**
         * Address the UDP socket binds to, as a.b.c.d:port or [ipv6]:port. Port 0 picks a free
         * port, which tokens can only list when netcode.server.public-addresses is unset. The IPv6
         * wildcard [::] serves IPv4 and IPv6 clients on one socket.
         */
        private String bindAddress = "127.0.0.1:40000";

        /**
         * Comma-separated list of addresses clients reach this server at, as listed in connect
         * tokens (exact IP and port). Defaults to the bind address; required when binding a
         * wildcard address.
         */
        private List<String> publicAddresses = new ArrayList<>();

        /**
         * Maximum number of connected clients (slots), 1 to 4096.
         */
        private int maxClients = 256;

        /**
         * Size asked of the OS for each of the UDP socket's receive and send buffers, from 1300B
         * to 1GB. The OS may grant less (Linux caps it at net.core.rmem_max and
         * net.core.wmem_max); the start-up log and /actuator/netcode show what it granted, and a
         * warning names the sysctl to raise when it is below max-clients x 4 datagrams x 1300
         * bytes.
         */
        private DataSize socketBufferSize = DataSize.ofMegabytes(4);

        /**
         * Restart rule: after a (re)start the server refuses tokens that expire earlier than the
         * start time plus this lifetime, so tokens used before the restart cannot open new
         * sessions. Set it to the longest token expiry the issuers use, in whole seconds and at least
         * netcode.token.expiry; defaults to netcode.token.expiry.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration maxConnectTokenLifetime;

        /**
         * How long the server may spend, before it binds its socket, running its packet paths
         * (handshake, encryption, replay protection) on synthetic traffic so that the first second of
         * real traffic meets compiled code, from 0 (disabled) to 10s; milliseconds when no unit is
         * given. Runs once per JVM; start-up takes that much longer.
         */
        private Duration warmUp = Duration.ofMillis(300);

        /**
         * UDP transport: auto (native where it runs, else epoll where it is on the class path and
         * runs, else nio), native (batched system calls through netcode's own JNI library, on
         * Linux; start-up fails where it cannot run), epoll (batched system calls through Netty,
         * needs the optional netcode-transport-epoll on the class path and Linux x86-64; start-up
         * fails where it cannot run) or nio (the JDK's DatagramChannel, everywhere). The start-up
         * log and /actuator/netcode show which one runs.
         */
        private TransportSelection transport = TransportSelection.AUTO;

        /**
         * After a receive that emptied the busy socket, how long the server waits before the next
         * one, so that datagrams are received and answered in batches rather than one wake-up each
         * (about a third less CPU per packet at 64 k packets/s); at most this much latency is added to a
         * datagram that arrives meanwhile. From 0 (off) to 10ms; microseconds when no unit is given.
         * The native and nio transports coalesce; epoll batches on its own event loop.
         */
        @DurationUnit(ChronoUnit.MICROS)
        private Duration receiveCoalescing = ServerConfig.DEFAULT_RECEIVE_COALESCING;

        public String getBindAddress() {
            return this.bindAddress;
        }

        public void setBindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
        }

        public List<String> getPublicAddresses() {
            return this.publicAddresses;
        }

        public void setPublicAddresses(List<String> publicAddresses) {
            this.publicAddresses = publicAddresses;
        }

        public int getMaxClients() {
            return this.maxClients;
        }

        public void setMaxClients(int maxClients) {
            this.maxClients = maxClients;
        }

        public DataSize getSocketBufferSize() {
            return this.socketBufferSize;
        }

        public void setSocketBufferSize(DataSize socketBufferSize) {
            this.socketBufferSize = socketBufferSize;
        }

        public Duration getMaxConnectTokenLifetime() {
            return this.maxConnectTokenLifetime;
        }

        public void setMaxConnectTokenLifetime(Duration maxConnectTokenLifetime) {
            this.maxConnectTokenLifetime = maxConnectTokenLifetime;
        }

        public Duration getWarmUp() {
            return this.warmUp;
        }

        public void setWarmUp(Duration warmUp) {
            this.warmUp = warmUp;
        }

        public TransportSelection getTransport() {
            return this.transport;
        }

        public void setTransport(TransportSelection transport) {
            this.transport = transport;
        }

        public Duration getReceiveCoalescing() {
            return this.receiveCoalescing;
        }

        public void setReceiveCoalescing(Duration receiveCoalescing) {
            this.receiveCoalescing = receiveCoalescing;
        }
    }

    public static class Token {

        /**
         * Path of the endpoint that issues connect tokens to authenticated users.
         */
        private String path = "/netcode/token";

        /**
         * How long an issued connect token stays valid, in whole seconds (at least 1). Keep it well
         * above the timeout and allow for clock differences between issuers and servers.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration expiry = Duration.ofSeconds(30);

        /**
         * Silence after which client and server drop a connection, in whole seconds (at least 1);
         * written into each token.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration timeout = Duration.ofSeconds(10);

        private final RateLimit rateLimit = new RateLimit();

        private final AddressRateLimit addressRateLimit = new AddressRateLimit();

        public String getPath() {
            return this.path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public Duration getExpiry() {
            return this.expiry;
        }

        public void setExpiry(Duration expiry) {
            this.expiry = expiry;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public RateLimit getRateLimit() {
            return this.rateLimit;
        }

        public AddressRateLimit getAddressRateLimit() {
            return this.addressRateLimit;
        }

        public static class RateLimit {

            /**
             * Whether token issuance is rate-limited per principal.
             */
            private boolean enabled = true;

            /**
             * Tokens one principal may obtain per minute (a burst of that many, then one every 60
             * / n seconds); further requests get 429 Too Many Requests. Kept low because every
             * token a game server sees holds one of its token-history entries (2048 up to 256
             * slots) until the token expires, and within one token lifetime of e seconds a
             * principal gets at most n + n * e / 60 tokens: with 4 per minute and 30 s tokens
             * that is 6, so filling a 256-slot server's history takes 342 accounts (at 60 per
             * minute it took 23). Raising this rate or netcode.token.expiry lowers that number.
             */
            private int requestsPerMinute = 4;

            public boolean isEnabled() {
                return this.enabled;
            }

            public void setEnabled(boolean enabled) {
                this.enabled = enabled;
            }

            public int getRequestsPerMinute() {
                return this.requestsPerMinute;
            }

            public void setRequestsPerMinute(int requestsPerMinute) {
                this.requestsPerMinute = requestsPerMinute;
            }
        }

        public static class AddressRateLimit {

            /**
             * Whether requests to the token endpoint are rate-limited per client address (an IPv4
             * address or an IPv6 /64) before authentication, so that refused requests cost no
             * password hashing. Applies to the auto-configured netcodeTokenSecurityFilterChain.
             */
            private boolean enabled = true;

            /**
             * Requests, successful or not, one client address may make per minute (in a burst,
             * then evenly spread); further requests get 429 Too Many Requests. Players behind one
             * NAT share the allowance.
             */
            private int requestsPerMinute = 60;

            /**
             * Client addresses remembered at most, about 150 bytes each; when full, the least
             * recently seen address is forgotten, which gives it a fresh allowance.
             */
            private int maxAddresses = 10_000;

            public boolean isEnabled() {
                return this.enabled;
            }

            public void setEnabled(boolean enabled) {
                this.enabled = enabled;
            }

            public int getRequestsPerMinute() {
                return this.requestsPerMinute;
            }

            public void setRequestsPerMinute(int requestsPerMinute) {
                this.requestsPerMinute = requestsPerMinute;
            }

            public int getMaxAddresses() {
                return this.maxAddresses;
            }

            public void setMaxAddresses(int maxAddresses) {
                this.maxAddresses = maxAddresses;
            }
        }
    }

    public static class Listener {

        /**
         * Threads that run @NetcodeListener methods. Each client's events run in order on one
         * thread at a time; different clients run in parallel.
         */
        private int threads = 4;

        /**
         * Payloads queued per client while its listener is busy; beyond that new payloads are
         * dropped and counted.
         */
        private int queueCapacity = 256;

        /**
         * Memory the payloads waiting for listeners may take, across all clients; beyond it new
         * payloads are dropped and counted. Each payload takes the smallest buffer of 64, 128, 256,
         * 512, 1024 or 1200 bytes that fits it, plus 128 bytes of bookkeeping; delivered buffers
         * kept for reuse count too, so this caps the memory held for payloads. At least 1328B.
         * With channels one client may hold at most this divided by the server's max-clients (at
         * least one largest message), so one client that is behind cannot take everyone's room.
         */
        private DataSize maxQueuedBytes = DataSize.ofMegabytes(16);

        /**
         * How long shutdown waits for queued events to reach the listeners before it stops their
         * threads; events still queued then are discarded.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(5);

        public int getThreads() {
            return this.threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getQueueCapacity() {
            return this.queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public DataSize getMaxQueuedBytes() {
            return this.maxQueuedBytes;
        }

        public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    public static class Endpoint {

        /**
         * Role, without the ROLE_ prefix, that a caller needs for the netcode actuator endpoint
         * over HTTP: to read it (every player's address) and, when
         * management.endpoint.netcode.access=unrestricted, to disconnect a slot. Applies with
         * Spring Security, unless the application replaces netcodeEndpointSecurityFilterChain.
         */
        private String role = "NETCODE_ADMIN";

        public String getRole() {
            return this.role;
        }

        public void setRole(String role) {
            this.role = role;
        }
    }

    /** One channel of {@code netcode.channels}. */
    public static class Channel {

        /**
         * How the channel delivers: unreliable (at most once, never waits), unreliable-sequenced
         * (as unreliable, older messages than one delivered are dropped), reliable-ordered (exactly
         * once, in order) or reliable-unordered (exactly once, as they arrive).
         */
        private String delivery;

        /**
         * Largest message the channel takes. Defaults to netcode.messages.max-reliable-message-size on
         * reliable channels and to 16377B (one packet) on unreliable ones, which is also their maximum.
         */
        private DataSize maxMessageSize;

        /**
         * Message data the channel holds per connection for sending: on a reliable channel until the
         * peer acks it, on an unreliable one until the next flush; a send beyond it is refused.
         * Defaults to 512KB on reliable channels and 64KB on unreliable ones, or the channel's
         * max-message-size if that is larger.
         */
        private DataSize sendQueueSize;

        /**
         * Messages the channel holds per connection for sending (as netcode.channels.*.send-queue-size
         * counts bytes) and, on reliable channels, the receive window: a peer sending further ahead is
         * disconnected. 1 to 16384.
         */
        private int windowMessages = 256;

        public String getDelivery() {
            return this.delivery;
        }

        public void setDelivery(String delivery) {
            this.delivery = delivery;
        }

        public DataSize getMaxMessageSize() {
            return this.maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public DataSize getSendQueueSize() {
            return this.sendQueueSize;
        }

        public void setSendQueueSize(DataSize sendQueueSize) {
            this.sendQueueSize = sendQueueSize;
        }

        public int getWindowMessages() {
            return this.windowMessages;
        }

        public void setWindowMessages(int windowMessages) {
            this.windowMessages = windowMessages;
        }
    }

    /** The message layer of every connection, with {@code netcode.channels} configured. */
    public static class Messages {

        /**
         * Bytes of messages, with their headers, packed into one packet; reliable messages longer
         * than one packet travel as fragments of this size, acked and re-sent one by one. Up to 1024B
         * every packet is one datagram. 64B to 16384B.
         */
        private DataSize packetBudget = DataSize.ofBytes(1024);

        /**
         * Packets one flush of a connection sends at most, which with netcode.messages.packet-budget
         * and netcode.messages.flush-interval bounds its bandwidth (4 x 1024B per 10ms is 3.2 Mbit/s).
         */
        private int packetsPerFlush = 4;

        /**
         * Least time between two flushes of a connection that send packets; messages, re-sends and
         * acks sent meanwhile wait for the next one. 0 to 1s; 0 flushes on every server tick.
         */
        private Duration flushInterval = Duration.ofMillis(10);

        /**
         * Largest message a reliable channel may take, up to 16MB; reliable messages above one packet
         * are sent in fragments.
         */
        private DataSize maxReliableMessageSize = DataSize.ofKilobytes(256);

        public DataSize getPacketBudget() {
            return this.packetBudget;
        }

        public void setPacketBudget(DataSize packetBudget) {
            this.packetBudget = packetBudget;
        }

        public int getPacketsPerFlush() {
            return this.packetsPerFlush;
        }

        public void setPacketsPerFlush(int packetsPerFlush) {
            this.packetsPerFlush = packetsPerFlush;
        }

        public Duration getFlushInterval() {
            return this.flushInterval;
        }

        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }

        public DataSize getMaxReliableMessageSize() {
            return this.maxReliableMessageSize;
        }

        public void setMaxReliableMessageSize(DataSize maxReliableMessageSize) {
            this.maxReliableMessageSize = maxReliableMessageSize;
        }
    }

    /** The fleet: game servers announcing their free slots, token issuers reserving them. */
    public static class Fleet {

        /**
         * Where game servers announce their free slots and token issuers reserve them: none (tokens
         * list this application's server or netcode.server.public-addresses), in-memory (servers and
         * issuers in this process only) or redis (shared by every instance, through the
         * application's RedisConnectionFactory and spring.data.redis.*; needs
         * spring-boot-starter-data-redis). An application's own ServerDirectory bean replaces the
         * one created for in-memory or redis.
         */
        private DirectoryType directory = DirectoryType.NONE;

        /**
         * Id this application's game server is listed under, unique in the fleet: 1 to 64 letters,
         * digits, '.', '_', ':' or '-'. Defaults to spring.application.name (or netcode), a '-' and 8
         * random hex digits, new at every start.
         */
        private String serverId;

        /**
         * Region of this application's game server, announced as label 'region'; a token request
         * with a region parameter only gets servers of that region.
         */
        private String region;

        /**
         * More labels of this application's game server, by key, which FleetRequestCustomizer
         * beans can ask for; at most 16 with the region, keys and values up to 64 characters.
         */
        private final Map<String, String> labels = new LinkedHashMap<>();

        /**
         * How long a game server stays listed after its last heartbeat: one that dies without
         * withdrawing is out of new tokens within this time.
         */
        private Duration timeToLive = Duration.ofSeconds(3);

        /**
         * Time between the heartbeats of this application's game server; at most a third of
         * netcode.fleet.time-to-live, so that two heartbeats may be lost without the server dropping
         * out.
         */
        private Duration heartbeatInterval = Duration.ofSeconds(1);

        /**
         * Which server with room a token reserves a slot on: pack (the fullest, so players gather
         * on fewer machines) or spread (the least loaded).
         */
        private SelectionPolicy policy = SelectionPolicy.PACK;

        /**
         * More servers with room a token lists after the reserved one, for the client to try when
         * that one does not answer (no slot is reserved on them), 0 to 31.
         */
        private int fallbackServers = 2;

        /**
         * Retry-After the token endpoint answers with 503 Service Unavailable when no server of
         * the fleet has room for the player, in whole seconds (at least 1).
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration retryAfter = Duration.ofSeconds(5);

        private final Redis redis = new Redis();

        public DirectoryType getDirectory() {
            return this.directory;
        }

        public void setDirectory(DirectoryType directory) {
            this.directory = directory;
        }

        public String getServerId() {
            return this.serverId;
        }

        public void setServerId(String serverId) {
            this.serverId = serverId;
        }

        public String getRegion() {
            return this.region;
        }

        public void setRegion(String region) {
            this.region = region;
        }

        public Map<String, String> getLabels() {
            return this.labels;
        }

        public Duration getTimeToLive() {
            return this.timeToLive;
        }

        public void setTimeToLive(Duration timeToLive) {
            this.timeToLive = timeToLive;
        }

        public Duration getHeartbeatInterval() {
            return this.heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public SelectionPolicy getPolicy() {
            return this.policy;
        }

        public void setPolicy(SelectionPolicy policy) {
            this.policy = policy;
        }

        public int getFallbackServers() {
            return this.fallbackServers;
        }

        public void setFallbackServers(int fallbackServers) {
            this.fallbackServers = fallbackServers;
        }

        public Duration getRetryAfter() {
            return this.retryAfter;
        }

        public void setRetryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        public Redis getRedis() {
            return this.redis;
        }

        /** Kinds of {@code netcode.fleet.directory}. */
        public enum DirectoryType {

            /** No fleet: tokens list fixed addresses. */
            NONE,

            /** One process: its servers and issuers share an in-memory directory. */
            IN_MEMORY,

            /** Every instance shares a directory in Redis. */
            REDIS

        }

        /** The directory in Redis ({@code netcode.fleet.directory=redis}). */
        public static class Redis {

            /**
             * Prefix of every key the directory writes. Keep exactly one hash tag ({...}) in it, so
             * that all its keys share one Redis Cluster slot; fleets with different prefixes in one
             * Redis do not see each other.
             */
            private String keyPrefix = "netcode:{fleet}:";

            public String getKeyPrefix() {
                return this.keyPrefix;
            }

            public void setKeyPrefix(String keyPrefix) {
                this.keyPrefix = keyPrefix;
            }
        }
    }
}
