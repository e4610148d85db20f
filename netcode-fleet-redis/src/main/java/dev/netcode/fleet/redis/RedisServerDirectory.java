package dev.netcode.fleet.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.fleet.DirectoryStatistics;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetReservation;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.server.ServerConfig;

/**
 * A {@link ServerDirectory} in Redis, shared by every server and issuer that uses the same Redis and
 * key prefix. Each operation is one Lua script, so it is atomic however many issuers race: a server
 * never has more reservations plus connections than slots.
 *
 * <p>Under the prefix {@code P}: {@code P server:<id>} a HASH per server (its announcement, expiring
 * with the listing), {@code P servers} a ZSET of server ids scored by listing expiry,
 * {@code P reserved:<id>} a ZSET per server of client ids scored by reservation expiry, and
 * {@code P clients} a HASH from client id to the server it holds its one reservation on. Every
 * expiry is computed from Redis' own {@code TIME}, so hosts whose clocks disagree still agree on
 * what is live. Entries that do not read as servers are skipped and counted in
 * {@link DirectoryStatistics#malformedEntries()}; they never make a call fail.
 */
public final class RedisServerDirectory implements ServerDirectory {

    /** One hash tag ({@code {fleet}}): every key of the directory is in one Redis Cluster slot. */
    public static final String DEFAULT_KEY_PREFIX = "netcode:{fleet}:";

    /**
     * The longest a reservation is held, whatever the request's expiry: longer-lived tokens would
     * hold a slot for a player who may never come.
     */
    public static final Duration MAX_RESERVATION = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(RedisServerDirectory.class);

    private static final String LIBRARY = "directory.lua";
    private static final RedisScript ANNOUNCE = RedisScript.load(LIBRARY, "announce.lua");
    private static final RedisScript WITHDRAW = RedisScript.load(LIBRARY, "withdraw.lua");
    private static final RedisScript RESERVE = RedisScript.load(LIBRARY, "reserve.lua");
    private static final RedisScript SERVERS = RedisScript.load(LIBRARY, "servers.lua");

    /**
     * What the scripts accept as a server, from the limits a {@link ServerAnnouncement} is held to;
     * label lengths in UTF-8 bytes (a UTF-16 unit takes at most 3).
     */
    private static final List<String> LIMITS = List.of(Integer.toString(ServerConfig.MAX_CLIENTS_LIMIT),
            Integer.toString(NetcodeProtocol.MAX_SERVERS_PER_CONNECT), Integer.toString(ServerAnnouncement.MAX_LABELS),
            Integer.toString(3 * ServerAnnouncement.MAX_LABEL_LENGTH));

    private final RedisScriptExecutor redis;
    private final String keyPrefix;
    private final List<String> keys;
    private final long timeToLiveMillis;
    private final InstantSource clock;
    private final LongAdder reservationsMade = new LongAdder();
    private final LongAdder reservationsRefused = new LongAdder();
    private final LongAdder reservationsExpired = new LongAdder();
    private final LongAdder malformedEntries = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /** With {@link #DEFAULT_KEY_PREFIX}, {@link InMemoryServerDirectory#DEFAULT_TIME_TO_LIVE} and the system clock. */
    public RedisServerDirectory(RedisScriptExecutor redis) {
        this(redis, DEFAULT_KEY_PREFIX, InMemoryServerDirectory.DEFAULT_TIME_TO_LIVE, InstantSource.system());
    }

    /**
     * @param keyPrefix put before every key; keep one hash tag in it for Redis Cluster
     * @param timeToLive how long a server stays listed after its last announcement (whole milliseconds)
     * @param clock only turns a request's {@code expiresAt} into a lifetime and back: every expiry in
     *        Redis comes from Redis' clock
     * @throws IllegalArgumentException if {@code keyPrefix} is empty or {@code timeToLive} is under a millisecond
     */
    public RedisServerDirectory(RedisScriptExecutor redis, String keyPrefix, Duration timeToLive, InstantSource clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        if (keyPrefix == null || keyPrefix.isEmpty()) {
            throw new IllegalArgumentException("keyPrefix must not be empty");
        }
        if (timeToLive.toMillis() < 1) {
            throw new IllegalArgumentException("timeToLive must be at least 1 ms, got " + timeToLive);
        }
        this.keyPrefix = keyPrefix;
        this.keys = List.of(keyPrefix + "servers", keyPrefix + "clients");
        this.timeToLiveMillis = timeToLive.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void announce(ServerAnnouncement server) {
        List<String> arguments = new ArrayList<>(9 + 2 * server.labels().size() + server.connectedClients());
        arguments.add(keyPrefix);
        arguments.add(server.serverId());
        arguments.add(Long.toString(timeToLiveMillis));
        arguments.add(HexFormat.of().toHexDigits(server.protocolId()));
        arguments.add(String.join(" ", server.publicAddresses().stream().map(NetcodeAddress::toString).toList()));
        arguments.add(Integer.toString(server.maxClients()));
        arguments.add(Integer.toString(server.connectedClients()));
        arguments.add(Long.toString(server.startedAt().toEpochMilli()));
        addLabels(arguments, server.labels());
        for (long clientId : server.connectedClientIds()) {
            arguments.add(Long.toUnsignedString(clientId));
        }
        run(ANNOUNCE, arguments);
    }

    @Override
    public void withdraw(String serverId) {
        run(WITHDRAW, List.of(keyPrefix, serverId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The reservation lasts until the request's {@code expiresAt} as this directory's clock sees
     * it (at most {@link #MAX_RESERVATION}), counted on Redis' clock from now.
     */
    @Override
    public Optional<FleetReservation> reserve(FleetRequest request) {
        Instant now = clock.instant();
        Instant until = request.expiresAt().isBefore(now) ? now
                : request.expiresAt().isAfter(now.plus(MAX_RESERVATION)) ? now.plus(MAX_RESERVATION) : request.expiresAt();
        long lifetime = Duration.between(now, until).toMillis();
        List<String> unreadable = new ArrayList<>();
        while (true) {
            List<?> reply = (List<?>) run(RESERVE, reserveArguments(request, lifetime, unreadable));
            reservationsExpired.add(number(reply.get(1)));
            if (number(reply.get(0)) == 0) {
                malformedEntries.add(number(reply.get(2)));
                reservationsRefused.increment();
                return Optional.empty();
            }
            FleetServer server = parse(reply.get(4));
            if (server == null) {
                // The script could not tell (an address only Java rejects): ask again without it,
                // which moves the reservation just made on it to another server or releases it.
                malformedEntries.increment();
                unreadable.add((String) ((List<?>) reply.get(4)).get(0));
                continue;
            }
            malformedEntries.add(number(reply.get(2)));
            List<FleetServer> fallbacks = new ArrayList<>();
            for (Object item : reply.subList(5, reply.size())) {
                FleetServer fallback = parse(item);
                if (fallback == null) {
                    malformedEntries.increment();
                }
                else {
                    fallbacks.add(fallback);
                }
            }
            long remaining = number(reply.get(3));
            Instant expiresAt = remaining > lifetime ? now.plusMillis(remaining) : until;
            reservationsMade.increment();
            return Optional.of(new FleetReservation(server, fallbacks, request.clientId(), expiresAt));
        }
    }

    private List<String> reserveArguments(FleetRequest request, long lifetime, List<String> unreadable) {
        List<String> arguments = new ArrayList<>(12 + LIMITS.size() + unreadable.size() + 2 * request.labels().size());
        arguments.add(keyPrefix);
        arguments.add(Long.toUnsignedString(request.clientId()));
        arguments.add(Long.toString(lifetime));
        arguments.add(HexFormat.of().toHexDigits(request.protocolId()));
        arguments.add(request.policy() == SelectionPolicy.SPREAD ? "spread" : "pack");
        arguments.add(Integer.toString(request.fallbackServers()));
        arguments.addAll(LIMITS);
        arguments.add(Integer.toString(unreadable.size()));
        arguments.addAll(unreadable);
        addLabels(arguments, request.labels());
        return arguments;
    }

    @Override
    public List<FleetServer> servers() {
        List<String> arguments = new ArrayList<>(1 + LIMITS.size());
        arguments.add(keyPrefix);
        arguments.addAll(LIMITS);
        List<?> reply = (List<?>) run(SERVERS, arguments);
        reservationsExpired.add(number(reply.get(0)));
        malformedEntries.add(number(reply.get(1)));
        List<FleetServer> servers = new ArrayList<>(reply.size() - 2);
        for (Object item : reply.subList(2, reply.size())) {
            FleetServer server = parse(item);
            if (server == null) {
                malformedEntries.increment();
            }
            else {
                servers.add(server);
            }
        }
        servers.sort(Comparator.comparing(FleetServer::serverId));
        return servers;
    }

    @Override
    public DirectoryStatistics statistics() {
        return new DirectoryStatistics(reservationsMade.sum(), reservationsRefused.sum(), reservationsExpired.sum(),
                malformedEntries.sum(), failures.sum());
    }

    /** Closes the executor (and the connection it opened itself). */
    @Override
    public void close() {
        redis.close();
    }

    private Object run(RedisScript script, List<String> arguments) {
        try {
            return redis.execute(script, keys, arguments);
        }
        catch (ServerDirectoryUnavailableException ex) {
            failures.increment();
            throw ex;
        }
    }

    private static void addLabels(List<String> arguments, Map<String, String> labels) {
        arguments.add(Integer.toString(labels.size()));
        labels.forEach((key, value) -> {
            arguments.add(key);
            arguments.add(value);
        });
    }

    /**
     * One server as the scripts reply it (id, protocol id, addresses, maxClients, connected,
     * reserved, startedAt, label pairs), or {@code null} when it does not read as one.
     */
    private static FleetServer parse(Object item) {
        try {
            List<?> fields = (List<?>) item;
            String serverId = (String) fields.get(0);
            long protocolId = Long.parseUnsignedLong((String) fields.get(1), 16);
            List<NetcodeAddress> addresses = new ArrayList<>();
            for (String address : ((String) fields.get(2)).split(" ")) {
                addresses.add(NetcodeAddress.parse(address));
            }
            Map<String, String> labels = new HashMap<>();
            for (int i = 7; i + 1 < fields.size(); i += 2) {
                labels.put((String) fields.get(i), (String) fields.get(i + 1));
            }
            return new FleetServer(serverId, protocolId, addresses, Math.toIntExact(number(fields.get(3))),
                    Math.toIntExact(number(fields.get(4))), Math.toIntExact(number(fields.get(5))), labels,
                    Instant.ofEpochMilli(Long.parseLong((String) fields.get(6))));
        }
        catch (RuntimeException ex) {
            log.debug("Ignored a directory entry that does not read as a server: {}", ex.toString());
            return null;
        }
    }

    private static long number(Object value) {
        return value instanceof Long number ? number : Long.parseLong(String.valueOf(value));
    }
}
