package dev.netcode.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import dev.netcode.boot.InvalidNetcodeAddressException;
import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.NetcodePublicAddressRequiredException;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;
import dev.netcode.reliable.ReliableConfig;
import dev.netcode.server.ServerConfig;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UdpTransport;

/**
 * Turns {@link NetcodeProperties} text into protocol values, failing with exceptions that the
 * failure analyzers explain. None of these carry the private key.
 */
final class NetcodeSettings {

    private NetcodeSettings() {
    }

    /**
     * Reads the protocol id: hex with a {@code 0x} prefix, or decimal. Decimal is accepted because
     * YAML reads an unquoted {@code 0x...} value as a number, which reaches us in decimal.
     */
    static long protocolId(NetcodeProperties properties) {
        String text = properties.getProtocolId() == null ? "" : properties.getProtocolId().trim();
        boolean hex = text.startsWith("0x") || text.startsWith("0X");
        String digits = hex ? text.substring(2) : text;
        try {
            if (digits.isEmpty() || digits.length() > (hex ? 16 : 20)) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(digits, hex ? 16 : 10);
        }
        catch (NumberFormatException ex) {
            throw new InvalidConfigurationPropertyValueException("netcode.protocol-id", text,
                    "A protocol id is a 64-bit unsigned number: hex with a 0x prefix (up to 16 digits) or decimal.");
        }
    }

    static NetcodeAddress bindAddress(NetcodeProperties properties) {
        return parse("netcode.server.bind-address", properties.getServer().getBindAddress());
    }

    /**
     * The configured public addresses; empty means "the bound address", which only works for a
     * concrete bind address.
     */
    static List<NetcodeAddress> publicAddresses(NetcodeProperties properties) {
        List<NetcodeAddress> addresses = new ArrayList<>();
        List<String> configured = properties.getServer().getPublicAddresses();
        for (int i = 0; i < configured.size(); i++) {
            NetcodeAddress address = parse("netcode.server.public-addresses[" + i + "]", configured.get(i));
            if (address.port() == 0) {
                throw new InvalidNetcodeAddressException("netcode.server.public-addresses[" + i + "]", configured.get(i),
                        "a public address needs the real port clients send to");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty() && bindAddress(properties).toInetAddress().isAnyLocalAddress()) {
            throw new NetcodePublicAddressRequiredException(properties.getServer().getBindAddress());
        }
        return addresses;
    }

    /**
     * The public addresses of a game server in this application: as {@link #publicAddresses}, and
     * they need a fixed bind port, because tokens listing them can never follow a port picked at
     * random.
     */
    static List<NetcodeAddress> serverPublicAddresses(NetcodeProperties properties) {
        List<NetcodeAddress> addresses = publicAddresses(properties);
        if (!addresses.isEmpty() && bindAddress(properties).port() == 0) {
            throw new InvalidNetcodePropertyException("netcode.server.bind-address",
                    properties.getServer().getBindAddress(),
                    "port 0 binds a random free port, but connect tokens list the fixed "
                            + "netcode.server.public-addresses " + properties.getServer().getPublicAddresses()
                            + ", so clients would send to a port nobody listens on",
                    "an address with the fixed port the public addresses lead to (for example 0.0.0.0:40000), or "
                            + "bind a concrete address and leave netcode.server.public-addresses unset, so tokens "
                            + "list the port actually bound");
        }
        return addresses;
    }

    /** {@code netcode.fleet.fallback-servers}: what a token can list after the reserved server. */
    static int fleetFallbackServers(NetcodeProperties properties) {
        int fallbackServers = properties.getFleet().getFallbackServers();
        int most = NetcodeProtocol.MAX_SERVERS_PER_CONNECT - 1;
        if (fallbackServers < 0 || fallbackServers > most) {
            throw new InvalidNetcodePropertyException("netcode.fleet.fallback-servers", Integer.toString(fallbackServers),
                    "a connect token lists at most " + NetcodeProtocol.MAX_SERVERS_PER_CONNECT
                            + " servers, the reserved one included",
                    "0 to " + most + " (for example 2)");
        }
        return fallbackServers;
    }

    /** {@code netcode.server.warm-up}: 0 (disabled) to {@link ServerConfig#MAX_WARM_UP}. */
    static Duration warmUp(NetcodeProperties properties) {
        Duration warmUp = properties.getServer().getWarmUp();
        if (warmUp == null || warmUp.isNegative() || warmUp.compareTo(ServerConfig.MAX_WARM_UP) > 0) {
            throw new InvalidNetcodePropertyException("netcode.server.warm-up", warmUp == null ? "" : text(warmUp),
                    "the warm-up before the server binds must be bounded", "a duration from 0 (no warm-up) to "
                            + ServerConfig.MAX_WARM_UP.toSeconds() + "s (for example 300ms)");
        }
        return warmUp;
    }

    /** {@code netcode.server.receive-coalescing}: 0 (off) to {@link ServerConfig#MAX_RECEIVE_COALESCING}. */
    static Duration receiveCoalescing(NetcodeProperties properties) {
        Duration window = properties.getServer().getReceiveCoalescing();
        if (window == null || window.isNegative() || window.compareTo(ServerConfig.MAX_RECEIVE_COALESCING) > 0) {
            throw new InvalidNetcodePropertyException("netcode.server.receive-coalescing",
                    window == null ? "" : text(window), "it is the latency the server may add to a datagram",
                    "a duration from 0 (off) to " + ServerConfig.MAX_RECEIVE_COALESCING.toMillis()
                            + "ms (for example 250us)");
        }
        return window;
    }

    /**
     * {@code netcode.server.transport}, checked here (the server resolves it again when made) so that native or epoll
     * where it cannot run fails naming the property.
     */
    static TransportSelection transport(NetcodeProperties properties) {
        TransportSelection transport = properties.getServer().getTransport();
        if (transport == null) {
            return TransportSelection.AUTO;
        }
        try {
            TransportSelection.resolve(transport);
        }
        catch (IllegalStateException ex) {
            String runWhereItCan = (transport == TransportSelection.NATIVE)
                    ? "run where native can: Linux, with netcode's JNI library in netcode-core (its build compiles it "
                            + "where gcc is installed)"
                    : "run where epoll can: Linux x86-64 with dev.netcode:netcode-transport-epoll on the class path "
                            + "(an optional dependency; netcode-spring-boot-starter does not bring it)";
            throw new InvalidNetcodePropertyException("netcode.server.transport", transport.configValue(),
                    ex.getMessage(), "auto (the best transport that runs here) or nio, or " + runWhereItCan);
        }
        return transport;
    }

    /** {@code netcode.token.expiry} in seconds: whole, at least 1. */
    static int tokenExpirySeconds(NetcodeProperties properties) {
        String property = "netcode.token.expiry";
        Duration expiry = properties.getToken().getExpiry();
        if (expiry != null && (expiry.isZero() || expiry.isNegative())) {
            throw new InvalidNetcodePropertyException(property, text(expiry),
                    "every connect token would have expired when it was issued", wholeSecondsRequirement("30s"));
        }
        return wholeSeconds(property, expiry, "30s");
    }

    /** {@code netcode.token.timeout} in seconds: whole, at least 1. */
    static int tokenTimeoutSeconds(NetcodeProperties properties) {
        String property = "netcode.token.timeout";
        Duration timeout = properties.getToken().getTimeout();
        if (timeout != null && timeout.isZero()) {
            throw new InvalidNetcodePropertyException(property, text(timeout),
                    "a timeout of 0 seconds ends every connection at once, so no handshake can complete",
                    wholeSecondsRequirement("10s"));
        }
        if (timeout != null && timeout.isNegative()) {
            throw new InvalidNetcodePropertyException(property, text(timeout),
                    "a negative timeout switches timeouts off, so the slot of a client that vanishes stays taken "
                            + "until the server stops",
                    wholeSecondsRequirement("10s"));
        }
        return wholeSeconds(property, timeout, "10s");
    }

    /**
     * The restart rule's lifetime in seconds: {@code netcode.server.max-connect-token-lifetime}, by
     * default {@code netcode.token.expiry}; never shorter than the expiry of the tokens issued here.
     */
    static int restartRuleLifetimeSeconds(NetcodeProperties properties) {
        int expiry = tokenExpirySeconds(properties);
        Duration lifetime = properties.getServer().getMaxConnectTokenLifetime();
        if (lifetime == null) {
            return expiry;
        }
        String property = "netcode.server.max-connect-token-lifetime";
        if (lifetime.compareTo(Duration.ofSeconds(expiry)) < 0) {
            long gap = expiry - Math.max(0, lifetime.getSeconds());
            throw new InvalidNetcodePropertyException(property, text(lifetime),
                    "it is shorter than netcode.token.expiry (" + expiry + "s): after a restart the server would "
                            + "accept tokens issued up to " + gap + " seconds before it, so a token already used "
                            + "could open a second session",
                    "at least the longest token expiry your issuers use (netcode.token.expiry is " + expiry
                            + "s here), or remove it to follow netcode.token.expiry");
        }
        return wholeSeconds(property, lifetime, expiry + "s");
    }

    /** {@code netcode.server.socket-buffer-size}: a size the UDP transport accepts to ask the OS for. */
    static int socketBufferBytes(NetcodeProperties properties) {
        return bytes("netcode.server.socket-buffer-size", properties.getServer().getSocketBufferSize(),
                UdpTransport.MIN_REQUESTED_SOCKET_BUFFER_BYTES, UdpTransport.MAX_REQUESTED_SOCKET_BUFFER_BYTES,
                "a size from " + UdpTransport.MIN_REQUESTED_SOCKET_BUFFER_BYTES + "B to 1GB, for example 4MB (the OS "
                        + "may grant less; the start-up log shows what it granted)");
    }

    /**
     * {@code netcode.listener.max-queued-bytes}: room for one full-size payload at least, or with
     * channels for one message of the largest channel maximum.
     */
    static long listenerMaxQueuedBytes(NetcodeProperties properties, @Nullable MessageConfig channels) {
        DataSize size = properties.getListener().getMaxQueuedBytes();
        if (channels != null) {
            long minimum = NetcodeListenerDispatcher.minMaxQueuedBytes(channels);
            if (size == null || size.toBytes() < minimum) {
                throw new InvalidNetcodePropertyException("netcode.listener.max-queued-bytes", String.valueOf(size),
                        "it cannot hold one message of the largest netcode.channels.*.max-message-size (" + minimum
                                + " bytes with its bookkeeping), so such messages would always be dropped",
                        "a size of at least " + minimum + "B (for example 16MB), or lower the channels' "
                                + "max-message-size");
            }
            return size.toBytes();
        }
        long minimum = NetcodeListenerDispatcher.MIN_MAX_QUEUED_BYTES;
        if (size == null || size.toBytes() < minimum) {
            throw new InvalidNetcodePropertyException("netcode.listener.max-queued-bytes", String.valueOf(size),
                    "it cannot hold one full-size payload (" + minimum + " bytes with its bookkeeping), so "
                            + "payloads would be dropped even while no listener is behind",
                    "a size of at least " + minimum + "B, for example 16MB");
        }
        return size.toBytes();
    }

    /**
     * A positive duration that connect tokens carry in whole seconds: refused rather than rounded
     * when it is not whole, or too long for a token's 32-bit field.
     */
    private static int wholeSeconds(String property, Duration value, String example) {
        if (value == null) {
            throw new InvalidNetcodePropertyException(property, "", "no value is given",
                    wholeSecondsRequirement(example));
        }
        if (value.getNano() != 0) {
            throw new InvalidNetcodePropertyException(property, text(value),
                    "connect tokens carry it in whole seconds, and rounding it to " + value.getSeconds()
                            + "s would silently change it",
                    wholeSecondsRequirement(example));
        }
        if (value.getSeconds() > Integer.MAX_VALUE) {
            throw new InvalidNetcodePropertyException(property, text(value),
                    "it is longer than a connect token can carry (" + Integer.MAX_VALUE + " seconds)",
                    wholeSecondsRequirement(example));
        }
        return (int) value.getSeconds();
    }

    private static String wholeSecondsRequirement(String example) {
        return "a whole number of seconds, at least 1 (for example " + example + ")";
    }

    /** A duration as it is usually configured: {@code 30s}, {@code 500ms}, else ISO-8601. */
    private static String text(Duration value) {
        if (value.getNano() == 0) {
            return value.getSeconds() + "s";
        }
        if (value.getNano() % 1_000_000 == 0) {
            return value.toMillis() + "ms";
        }
        return value.getNano() % 1_000 == 0 ? value.toNanos() / 1_000 + "us" : value.toString();
    }

    private static NetcodeAddress parse(String property, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidNetcodeAddressException(property, String.valueOf(text), "no address given");
        }
        try {
            return NetcodeAddress.parse(text);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidNetcodeAddressException(property, text, ex.getMessage());
        }
    }

    /** Channel names: what binds the same from YAML, properties and environment variables. */
    private static final Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private static final String DELIVERY_MODES = "unreliable, unreliable-sequenced, reliable-ordered or "
            + "reliable-unordered";

    /**
     * The message layer of {@code netcode.channels} and {@code netcode.messages}, or {@code null}
     * without channels. Channel ids are the positions of the names in alphabetical order, so that
     * every property source (YAML, environment, command line) and every peer agrees on them,
     * whatever order the channels were declared in.
     */
    static @Nullable MessageConfig messageConfig(NetcodeProperties properties) {
        Map<String, NetcodeProperties.Channel> configured = properties.getChannels();
        if (configured.isEmpty()) {
            return null;
        }
        if (configured.size() > MessageConfig.MAX_CHANNELS) {
            throw new InvalidNetcodePropertyException("netcode.channels", configured.keySet().toString(),
                    configured.size() + " channels are configured, but a channel id has 6 bits",
                    "at most " + MessageConfig.MAX_CHANNELS + " channels");
        }
        NetcodeProperties.Messages messages = properties.getMessages();
        int maxReliable = maxReliableMessageBytes(messages);
        ReliableConfig reliable = ReliableConfig.defaults();
        int packetBudget = bytes("netcode.messages.packet-budget", messages.getPacketBudget(),
                MessageConfig.MIN_PACKET_BUDGET_BYTES, reliable.maxPacketSize(),
                "a size from " + MessageConfig.MIN_PACKET_BUDGET_BYTES + "B to " + reliable.maxPacketSize()
                        + "B (for example 1024B, which keeps every packet in one datagram)");
        if (messages.getPacketsPerFlush() < 1) {
            throw new InvalidNetcodePropertyException("netcode.messages.packets-per-flush",
                    String.valueOf(messages.getPacketsPerFlush()), "a flush that sends no packet sends nothing ever",
                    "at least 1 (for example 4)");
        }
        Duration flushInterval = messages.getFlushInterval();
        if (flushInterval == null || flushInterval.isNegative() || flushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidNetcodePropertyException("netcode.messages.flush-interval", String.valueOf(flushInterval),
                    "messages would wait that long for the next packet", "a duration from 0 to 1s (for example 10ms)");
        }
        List<ChannelConfig> channels = new ArrayList<>();
        for (String name : new TreeSet<>(configured.keySet())) {
            channels.add(channelConfig(name, configured.get(name), maxReliable, packetBudget));
        }
        try {
            return new MessageConfig(channels, packetBudget, messages.getPacketsPerFlush(),
                    flushInterval.toNanos() / 1e9, maxReliable, MessageConfig.DEFAULT_MIN_RESEND_SECONDS,
                    MessageConfig.DEFAULT_MAX_RESEND_SECONDS, reliable);
        }
        catch (IllegalArgumentException ex) {
            // What the checks above do not foresee; the core names the channel and the limit.
            throw new InvalidNetcodePropertyException("netcode.channels", configured.keySet().toString(),
                    ex.getMessage(), "channels and netcode.messages limits that fit together");
        }
    }

    private static int maxReliableMessageBytes(NetcodeProperties.Messages messages) {
        return bytes("netcode.messages.max-reliable-message-size", messages.getMaxReliableMessageSize(), 1,
                MessageConfig.MAX_RELIABLE_MESSAGE_BYTES_LIMIT, "a size from 1B to 16MB (for example 256KB)");
    }

    private static ChannelConfig channelConfig(String name, NetcodeProperties.Channel channel, int maxReliable,
            int packetBudget) {
        String prefix = "netcode.channels." + name;
        if (!CHANNEL_NAME.matcher(name).matches()) {
            throw new InvalidNetcodePropertyException(prefix, name,
                    "a channel name must stay the same in YAML, properties and environment variables",
                    "a name of lower-case letters, digits and '-', starting with a letter or digit (for example chat)");
        }
        DeliveryMode delivery = delivery(prefix + ".delivery", channel.getDelivery());
        int maxUnreliable = ReliableConfig.defaults().maxPacketSize() - MessageConfig.MAX_MESSAGE_OVERHEAD_BYTES;
        int maxMessage;
        if (delivery.isReliable()) {
            maxMessage = (channel.getMaxMessageSize() != null)
                    ? bytes(prefix + ".max-message-size", channel.getMaxMessageSize(), 0, maxReliable,
                            "a size up to netcode.messages.max-reliable-message-size (" + maxReliable + "B)")
                    : maxReliable;
        }
        else {
            maxMessage = (channel.getMaxMessageSize() != null)
                    ? bytes(prefix + ".max-message-size", channel.getMaxMessageSize(), 0, maxUnreliable,
                            "a size up to " + maxUnreliable + "B, one packet: send larger data on a reliable channel")
                    : maxUnreliable;
        }
        // The defaults of ChannelConfig.of(name, delivery).withMaxMessageBytes(max), so a Java client
        // configured in code gets equal channels.
        int defaultSendQueue = delivery.isReliable() ? ChannelConfig.DEFAULT_RELIABLE_SEND_QUEUE_BYTES
                : ChannelConfig.DEFAULT_UNRELIABLE_SEND_QUEUE_BYTES;
        int sendQueue = (channel.getSendQueueSize() != null)
                ? bytes(prefix + ".send-queue-size", channel.getSendQueueSize(), Math.max(1, maxMessage),
                        Integer.MAX_VALUE, "at least " + prefix + ".max-message-size (" + maxMessage + "B)")
                : Math.max(defaultSendQueue, maxMessage);
        int window = channel.getWindowMessages();
        if (window < 1 || window > ChannelConfig.MAX_WINDOW_MESSAGES) {
            throw new InvalidNetcodePropertyException(prefix + ".window-messages", String.valueOf(window),
                    "the window must hold at least one message and at most a quarter of the 16-bit message ids",
                    "1 to " + ChannelConfig.MAX_WINDOW_MESSAGES + " (for example "
                            + ChannelConfig.DEFAULT_WINDOW_MESSAGES + ")");
        }
        return new ChannelConfig(name, delivery, maxMessage, sendQueue, window);
    }

    /** A delivery mode as configured: its name in lower case with '-', relaxed as Spring Boot binds enums. */
    private static DeliveryMode delivery(String property, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidNetcodePropertyException(property, "", "every channel needs a delivery mode",
                    DELIVERY_MODES);
        }
        String constant = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (DeliveryMode mode : DeliveryMode.values()) {
            if (mode.name().equals(constant)) {
                return mode;
            }
        }
        throw new InvalidNetcodePropertyException(property, value, "it is not a delivery mode", DELIVERY_MODES);
    }

    /** A size in bytes from {@code min} to {@code max}. */
    private static int bytes(String property, @Nullable DataSize size, long min, long max, String requirement) {
        if (size == null || size.toBytes() < min || size.toBytes() > max) {
            throw new InvalidNetcodePropertyException(property, String.valueOf(size),
                    (size == null) ? "no value is given" : "it is outside " + min + "B to " + max + "B",
                    requirement);
        }
        return (int) size.toBytes();
    }
}
