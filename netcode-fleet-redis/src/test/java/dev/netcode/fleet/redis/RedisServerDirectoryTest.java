package dev.netcode.fleet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetReservation;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.fleet.redis.test.Await;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.fleet.redis.test.ServerDirectoryContractTest;

/**
 * What only a shared Redis directory has to get right: issuers in other processes racing, time from
 * Redis, Redis restarting, and entries that something else wrote. Each test has a key prefix of its
 * own on one redis-server (the restart test starts its own).
 */
class RedisServerDirectoryTest extends ServerDirectoryContractTest {

    private static final AtomicInteger prefixes = new AtomicInteger();
    private static RedisServerProcess redis;

    private final String prefix = "test-" + prefixes.incrementAndGet() + ":{fleet}:";
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Override
    protected ServerDirectory newDirectory(Duration timeToLive) {
        return issuer(redis, timeToLive, InstantSource.system());
    }

    /**
     * A directory with a connection of its own, as another issuer process would have; a timeout
     * that a loaded CI machine does not run into while connecting.
     */
    private RedisServerDirectory issuer(RedisServerProcess on, Duration timeToLive, InstantSource clock) {
        return issuer(on, timeToLive, clock, Duration.ofSeconds(5));
    }

    private RedisServerDirectory issuer(RedisServerProcess on, Duration timeToLive, InstantSource clock,
            Duration commandTimeout) {
        RedisServerDirectory directory = new RedisServerDirectory(LettuceScriptExecutor.connect(on.uri(),
                commandTimeout), prefix, timeToLive, clock);
        opened.add(directory);
        return directory;
    }

    private RedisServerDirectory issuer() {
        return issuer(redis, LONG_TTL, InstantSource.system());
    }

    private long redisMillis() {
        List<?> time = (List<?>) redis.command("TIME");
        return Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
    }

    private long number(Object reply) {
        return reply == null ? 0 : reply instanceof Long value ? value : Long.parseLong((String) reply);
    }

    // ---- racing issuers ----------------------------------------------------------------------------

    @Test
    void twoIssuersWithTheirOwnConnectionsReserveExactlyTheFreeSlots() throws Exception {
        RedisServerDirectory first = issuer();
        RedisServerDirectory second = issuer();
        for (String id : List.of("a", "b", "c")) {
            first.announce(server(id, 50, Set.of()));
        }
        Map<String, Integer> granted = race(List.of(first, second), 1_000, 16);
        assertThat(granted).containsExactlyInAnyOrderEntriesOf(new HashMap<>(Map.of("a", 50, "b", 50, "c", 50)));
        for (String id : List.of("a", "b", "c")) {
            assertThat(number(redis.command("ZCARD", prefix + "reserved:" + id))).isEqualTo(50);
        }
        assertThat(number(redis.command("HLEN", prefix + "clients"))).isEqualTo(150);
        assertThat(second.servers()).allSatisfy(s -> assertThat(s.connectedClients() + s.reservedSlots()).isEqualTo(50));
        long made = first.statistics().reservationsMade() + second.statistics().reservationsMade();
        long refused = first.statistics().reservationsRefused() + second.statistics().reservationsRefused();
        assertThat(made).isEqualTo(150);
        assertThat(refused).isEqualTo(850);
    }

    // ---- time comes from Redis ---------------------------------------------------------------------

    @Test
    void hostsWhoseClocksAreAnHourApartAgreeOnWhatIsLiveAndHowLongAReservationLasts() {
        Duration ttl = Duration.ofMillis(800);
        InstantSource ahead = () -> Instant.now().plus(Duration.ofHours(1));
        InstantSource behind = () -> Instant.now().minus(Duration.ofHours(1));
        RedisServerDirectory aheadDirectory = issuer(redis, ttl, ahead);
        RedisServerDirectory behindDirectory = issuer(redis, ttl, behind);
        aheadDirectory.announce(server("ahead", 4, Set.of()));
        behindDirectory.announce(server("behind", 4, Set.of()));
        assertThat(aheadDirectory.servers()).extracting(FleetServer::serverId).containsExactly("ahead", "behind");
        assertThat(behindDirectory.servers()).extracting(FleetServer::serverId).containsExactly("ahead", "behind");

        Instant expiresAt = behind.instant().plusSeconds(30);
        FleetReservation reservation = behindDirectory.reserve(FleetRequest.of(PROTOCOL, 1, expiresAt)).orElseThrow();
        assertThat(reservation.expiresAt()).isEqualTo(expiresAt);
        String server = reservation.server().serverId();
        long redisLifetime = number(redis.command("ZSCORE", prefix + "reserved:" + server, "1")) - redisMillis();
        assertThat(redisLifetime).as("30 s on Redis' clock").isBetween(29_000L, 30_000L);
        FleetReservation again = aheadDirectory.reserve(FleetRequest.of(PROTOCOL, 1, ahead.instant().plusSeconds(20)))
            .orElseThrow();
        assertThat(again.server().serverId()).isEqualTo(server);
        assertThat(again.expiresAt()).as("the remaining 30 s, on the ahead host's clock")
            .isCloseTo(ahead.instant().plusSeconds(30), within(1_000, ChronoUnit.MILLIS));

        // Only "behind" keeps announcing: "ahead" drops out within the TTL, for both.
        long stopped = System.nanoTime();
        Await.until("'ahead' to drop out", ttl.multipliedBy(4), () -> {
            behindDirectory.announce(server("behind", 4, Set.of()));
            return aheadDirectory.servers().size() == 1;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(ttl.plusMillis(500));
        assertThat(behindDirectory.servers()).extracting(FleetServer::serverId).containsExactly("behind");
    }

    @Test
    void theListingAndTheServerHashExpireTogetherOnRedisTime() {
        RedisServerDirectory directory = issuer(redis, Duration.ofSeconds(3), InstantSource.system());
        directory.announce(server("a", 4, Set.of()));
        long expiry = number(redis.command("ZSCORE", prefix + "servers", "a"));
        assertThat(expiry - redisMillis()).isBetween(2_000L, 3_000L);
        assertThat(number(redis.command("PEXPIRETIME", prefix + "server:a"))).isEqualTo(expiry);
    }

    // ---- Redis restarts ----------------------------------------------------------------------------

    @Test
    void aRestartedRedisIsRefilledByTheHeartbeatsFailsFastWhileDownAndLeaksNoReservation() throws Exception {
        RedisServerProcess restarting = RedisServerProcess.start();
        opened.add(restarting);
        Duration heartbeat = Duration.ofMillis(200);
        Duration commandTimeout = Duration.ofMillis(500);
        RedisServerDirectory serverSide = issuer(restarting, Duration.ofSeconds(1), InstantSource.system(),
                commandTimeout);
        RedisServerDirectory issuer = issuer(restarting, Duration.ofSeconds(1), InstantSource.system(), commandTimeout);
        FleetAnnouncer announcer = new FleetAnnouncer(serverSide, "arena-1", () -> server("arena-1", 8, Set.of()),
                heartbeat);
        opened.add(announcer);
        announcer.start();
        assertThat(issuer.servers()).extracting(FleetServer::serverId).containsExactly("arena-1");
        issuer.reserve(request(1)).orElseThrow();

        restarting.kill();
        long down = System.nanoTime();
        assertThatThrownBy(() -> issuer.reserve(request(2))).isInstanceOf(ServerDirectoryUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + restarting.port());
        assertThat(Duration.ofNanos(System.nanoTime() - down)).as("within the command timeout")
            .isLessThan(commandTimeout.plusMillis(250));
        // An outage of many heartbeats, sampled: every call fails at once (nothing queues for a
        // connection that is gone), and Lettuce's reconnect backoff grows meanwhile.
        Duration outage = Duration.ofSeconds(2);
        Await.until("an outage of " + outage, outage.multipliedBy(2), () -> {
            long call = System.nanoTime();
            assertThatThrownBy(issuer::servers).isInstanceOf(ServerDirectoryUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - call)).as("at once, not at the timeout")
                .isLessThan(commandTimeout.dividedBy(2));
            return System.nanoTime() - down > outage.toNanos();
        });
        assertThat(issuer.statistics().failures()).isGreaterThan(10);
        assertThat(announcer.isListed()).isFalse();

        restarting.restart();
        Duration relisted = Await.until("arena-1 listed again", Duration.ofSeconds(5), () -> {
            try {
                return issuer.servers().stream().anyMatch(s -> s.serverId().equals("arena-1"));
            }
            catch (ServerDirectoryUnavailableException reconnecting) {
                return false;
            }
        });
        assertThat(relisted).as("about one heartbeat, plus Lettuce's reconnect delay")
            .isLessThan(heartbeat.plusMillis(1_000));
        assertThat(announcer.isListed()).isTrue();

        for (long client = 10; client < 15; client++) {
            issuer.reserve(FleetRequest.of(PROTOCOL, client, Instant.now().plusMillis(300))).orElseThrow();
        }
        assertThat(issuer.servers().get(0).reservedSlots()).as("client 1's reservation went with the old Redis").isEqualTo(5);
        Await.until("the reservations to lapse", Duration.ofSeconds(5),
                () -> issuer.servers().get(0).reservedSlots() == 0);
        assertThat(number(restarting.command("ZCARD", prefix + "reserved:arena-1"))).isZero();
        assertThat(number(restarting.command("HLEN", prefix + "clients"))).isZero();
        assertThat(issuer.statistics().reservationsExpired()).isEqualTo(5);
    }

    @Test
    void lapsedReservationsAndTheirClientEntriesAreAllRemoved() {
        RedisServerDirectory directory = issuer();
        directory.announce(server("a", 10, Set.of()));
        directory.announce(server("b", 10, Set.of()));
        for (long client = 1; client <= 12; client++) {
            directory.reserve(FleetRequest.of(PROTOCOL, client, Instant.now().plusMillis(300))).orElseThrow();
        }
        directory.announce(server("a", 10, Set.of(1L, 2L)));
        directory.announce(server("b", 10, Set.of(12L)));
        Await.until("the unused reservations to lapse", Duration.ofSeconds(5),
                () -> directory.servers().stream().allMatch(s -> s.reservedSlots() == 0));
        assertThat(directory.statistics().reservationsExpired()).isEqualTo(12 - 3);
        assertThat(redis.command("KEYS", prefix + "reserved:*")).asInstanceOf(LIST).isEmpty();
        assertThat(number(redis.command("HLEN", prefix + "clients"))).isZero();
    }

    // ---- what the scripts store --------------------------------------------------------------------

    @Test
    void idsAreStoredAsStringsThatKeepEveryBit() {
        RedisServerDirectory directory = issuer();
        directory.announce(server("a", 4, Set.of()));
        directory.reserve(request(-1L)).orElseThrow();
        directory.reserve(request(Long.MIN_VALUE)).orElseThrow();
        directory.reserve(request(Long.MIN_VALUE + 1)).orElseThrow();
        assertThat(redis.command("HGET", prefix + "server:a", "protocol")).isEqualTo("f122334455667788");
        assertThat(redis.command("ZRANGE", prefix + "reserved:a", "0", "-1")).asInstanceOf(LIST)
            .containsExactlyInAnyOrder("18446744073709551615", "9223372036854775808", "9223372036854775809");
        assertThat(redis.command("HGET", prefix + "clients", "9223372036854775809")).isEqualTo("a");
        directory.announce(server("a", 4, Set.of(Long.MIN_VALUE)));
        assertThat(redis.command("ZRANGE", prefix + "reserved:a", "0", "-1")).asInstanceOf(LIST)
            .as("only that client's reservation consumed").containsExactlyInAnyOrder("18446744073709551615", "9223372036854775809");
    }

    @Test
    void anAnnouncementOfThousandsOfClientsConsumesTheReservationsAmongThem() {
        RedisServerDirectory directory = issuer();
        directory.announce(server("big", 4096, Set.of()));
        for (long client : List.of(1L, 1_500L, 2_999L, 4_096L, 5_000L)) {
            directory.reserve(request(client)).orElseThrow();
        }
        directory.announce(server("big", 4096, ids(1, 4096)));
        assertThat(directory.servers()).extracting(FleetServer::reservedSlots)
            .as("ids in every chunk consumed; client 5000 is not connected").containsExactly(1);
        assertThat(redis.command("HKEYS", prefix + "clients")).asInstanceOf(LIST).containsExactly("5000");
    }

    // ---- entries that something else wrote ---------------------------------------------------------

    private void writeServer(String id, Map<String, String> overrides) {
        Map<String, String> fields = new HashMap<>(Map.of("protocol", "f122334455667788", "addresses", "127.0.0.1:40001",
                "maxClients", "8", "connected", "0", "startedAt", "1700000000000"));
        fields.putAll(overrides);
        List<String> command = new ArrayList<>(List.of("HSET", prefix + "server:" + id));
        fields.forEach((field, value) -> {
            if (value != null) {
                command.add(field);
                command.add(value);
            }
        });
        redis.command(command.toArray(String[]::new));
        list(id);
    }

    private void list(String id) {
        redis.command("ZADD", prefix + "servers", Long.toString(redisMillis() + 60_000), id);
    }

    private static Map<String, String> field(String field, String value) {
        Map<String, String> map = new HashMap<>();
        map.put(field, value);
        return map;
    }

    @Test
    void malformedEntriesAreSkippedAndCountedAndGoodServersStillServe() {
        RedisServerDirectory directory = issuer();
        directory.announce(server("good", 8, Set.of()));
        redis.command("SET", prefix + "server:a-string", "not a hash");
        list("a-string");
        list("no-hash");
        list("bad id with spaces");
        writeServer("no-max-clients", field("maxClients", null));
        writeServer("no-addresses", field("addresses", null));
        writeServer("billion-slots", field("maxClients", "1000000000"));
        writeServer("negative-slots", field("maxClients", "-5"));
        writeServer("wordy-slots", field("maxClients", "lots"));
        writeServer("over-connected", field("connected", "9"));
        writeServer("garbage-address", field("addresses", "not-an-address"));
        writeServer("octet-address", field("addresses", "999.1.1.1:5"));
        writeServer("port-address", field("addresses", "1.2.3.4:99999"));
        writeServer("empty-addresses", field("addresses", " "));
        writeServer("bad-protocol", field("protocol", "0x1122"));
        writeServer("huge-label", field("label.region", "x".repeat(10_000)));
        writeServer("bad-started", field("startedAt", "yesterday"));
        writeServer("bad-reserved", Map.of());
        redis.command("SET", prefix + "reserved:bad-reserved", "not a zset");
        int malformed = 17;
        redis.command("HSET", prefix + "clients", "999", "nowhere");
        writeServer("other-protocol", field("protocol", "0000000000000001"));

        assertThat(directory.servers()).extracting(FleetServer::serverId).as("a protocol mismatch is not malformed")
            .containsExactly("good", "other-protocol");
        assertThat(directory.statistics().malformedEntries()).isEqualTo(malformed);

        FleetReservation reservation = directory.reserve(request(999).withFallbackServers(5)).orElseThrow();
        assertThat(reservation.server().serverId()).isEqualTo("good");
        assertThat(reservation.fallbacks()).isEmpty();
        assertThat(directory.statistics().malformedEntries()).as("every entry again, and the dangling client entry")
            .isEqualTo(2 * malformed + 1);
        assertThat(redis.command("HGET", prefix + "clients", "999")).isEqualTo("good");
        for (long client = 1; client <= 7; client++) {
            directory.reserve(request(client)).orElseThrow();
        }
        assertThat(directory.reserve(request(8))).as("the good server is full").isEmpty();
    }

    @Test
    void indexKeysOfTheWrongTypeRefuseWithoutThrowingUntilTheNextAnnouncementReplacesThem() {
        RedisServerDirectory directory = issuer();
        redis.command("SET", prefix + "servers", "garbage");
        redis.command("SET", prefix + "clients", "garbage");
        assertThat(directory.servers()).isEmpty();
        assertThat(directory.reserve(request(1))).isEmpty();
        assertThat(directory.statistics().malformedEntries()).isEqualTo(2);
        directory.withdraw("a");
        directory.announce(server("a", 4, Set.of(1L)));
        assertThat(directory.reserve(request(2)).orElseThrow().server().serverId()).isEqualTo("a");
    }

    @Test
    void aServerWhoseAddressOnlyJavaRejectsIsSkippedAndHoldsNoReservation() {
        RedisServerDirectory directory = issuer();
        // Nine groups: the right characters for the script, not an IPv6 address for Java.
        writeServer("sneaky", Map.of("addresses", "[1:2:3:4:5:6:7:8:9]:5", "connected", "6"));
        assertThat(directory.reserve(request(1))).as("nothing else to reserve on").isEmpty();
        assertThat(directory.statistics().malformedEntries()).isOne();
        assertThat(number(redis.command("ZCARD", prefix + "reserved:sneaky"))).isZero();
        assertThat(number(redis.command("HLEN", prefix + "clients"))).isZero();

        directory.announce(server("good", 8, Set.of()));
        FleetReservation reservation = directory.reserve(request(1)).orElseThrow();
        assertThat(reservation.server().serverId()).as("sneaky, the fuller, is tried first, then left out").isEqualTo("good");
        assertThat(reservation.fallbacks()).isEmpty();
        assertThat(number(redis.command("ZCARD", prefix + "reserved:sneaky"))).isZero();
        assertThat(directory.servers()).extracting(FleetServer::serverId).containsExactly("good");

        directory.announce(server("fuller", 8, ids(100, 5)));
        long malformed = directory.statistics().malformedEntries();
        FleetReservation spread = directory.reserve(request(2).withPolicy(SelectionPolicy.SPREAD).withFallbackServers(3))
            .orElseThrow();
        assertThat(spread.server().serverId()).isEqualTo("good");
        assertThat(spread.fallbacks()).extracting(FleetServer::serverId).as("an unreadable fallback is left out")
            .containsExactly("fuller");
        assertThat(directory.statistics().malformedEntries()).isEqualTo(malformed + 1);
    }

    @Test
    void aReservationIsNeverLongerThanTheMaximum() {
        RedisServerDirectory directory = issuer();
        directory.announce(server("a", 4, Set.of()));
        Instant now = Instant.now();
        FleetReservation reservation = directory.reserve(FleetRequest.of(PROTOCOL, 1, Instant.MAX)).orElseThrow();
        assertThat(reservation.expiresAt()).isCloseTo(now.plus(RedisServerDirectory.MAX_RESERVATION),
                within(1, ChronoUnit.SECONDS));
        FleetReservation past = directory.reserve(FleetRequest.of(PROTOCOL, 2, now.minusSeconds(5))).orElseThrow();
        assertThat(past.expiresAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(directory.servers().get(0).reservedSlots()).as("client 2's lapsed at once").isOne();
        assertThat(directory.statistics().reservationsExpired()).isOne();
    }

    @Test
    void theListingsAddressesAreStoredAsTheyWillBeParsed() {
        RedisServerDirectory directory = issuer();
        directory.announce(new ServerAnnouncement("v6", PROTOCOL, List.of(NetcodeAddress.parse("[::1]:40000"),
                NetcodeAddress.parse("10.0.0.1:40001")), 4, Set.of(), Map.of("region", "eu"), STARTED_AT));
        assertThat(redis.command("HGET", prefix + "server:v6", "addresses")).isEqualTo("[::1]:40000 10.0.0.1:40001");
        assertThat(redis.command("HGET", prefix + "server:v6", "label.region")).isEqualTo("eu");
    }
}
