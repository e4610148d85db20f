package dev.netcode.fleet.redis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetReservation;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;

/**
 * What every {@link ServerDirectory} does, run against each implementation by a subclass. Time is
 * the system clock throughout (a shared directory keeps time on its own clock); the tests that
 * depend on it use short times to live and wait for conditions.
 */
public abstract class ServerDirectoryContractTest {

    /** The high bit set: u64 ids must survive the trip whole. */
    protected static final long PROTOCOL = 0xF122334455667788L;
    protected static final Duration LONG_TTL = Duration.ofSeconds(30);
    /** A shared directory counts whole milliseconds on its own clock: expiries may come this much early. */
    protected static final Duration CLOCK_GRAIN = Duration.ofMillis(5);
    protected static final Instant STARTED_AT = Instant.parse("2026-12-01T23:00:00.123Z");

    private final List<ServerDirectory> directories = new ArrayList<>();

    /** A new, empty directory on the system clock, closed after the test. */
    protected abstract ServerDirectory newDirectory(Duration timeToLive);

    protected final ServerDirectory directory(Duration timeToLive) {
        ServerDirectory directory = newDirectory(timeToLive);
        directories.add(directory);
        return directory;
    }

    @AfterEach
    void closeDirectories() {
        directories.forEach(ServerDirectory::close);
    }

    protected static ServerAnnouncement server(String id, int maxClients, Set<Long> connected, Map<String, String> labels) {
        return new ServerAnnouncement(id, PROTOCOL, List.of(address(id)), maxClients, connected, labels, STARTED_AT);
    }

    protected static ServerAnnouncement server(String id, int maxClients, Set<Long> connected) {
        return server(id, maxClients, connected, Map.of());
    }

    protected static NetcodeAddress address(String id) {
        return NetcodeAddress.parse("127.0.0.1:" + (40000 + Math.floorMod(id.hashCode(), 1000)));
    }

    protected static FleetRequest request(long clientId) {
        return FleetRequest.of(PROTOCOL, clientId, Instant.now().plusSeconds(30));
    }

    protected static Set<Long> ids(long from, int count) {
        Set<Long> ids = new HashSet<>();
        for (long id = from; id < from + count; id++) {
            ids.add(id);
        }
        return ids;
    }

    private static FleetServer find(ServerDirectory directory, String id) {
        return directory.servers().stream().filter(s -> s.serverId().equals(id)).findFirst().orElseThrow();
    }

    private static int reservedInFleet(ServerDirectory directory) {
        return directory.servers().stream().mapToInt(FleetServer::reservedSlots).sum();
    }

    @Test
    void packFillsTheFullestServerWithRoomAndSpreadTheLeastLoaded() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 10, ids(100, 2)));
        directory.announce(server("b", 10, ids(200, 7)));
        directory.announce(server("c", 10, ids(300, 10)));
        directory.announce(server("d", 20, ids(400, 15)));
        FleetReservation pack = directory.reserve(request(1)).orElseThrow();
        assertThat(pack.server().serverId()).as("b has 3 free, d 5, a 8").isEqualTo("b");
        assertThat(pack.fallbacks()).extracting(FleetServer::serverId).containsExactly("d", "a");
        FleetReservation spread = directory.reserve(request(2).withPolicy(SelectionPolicy.SPREAD)).orElseThrow();
        assertThat(spread.server().serverId()).isEqualTo("a");
        assertThat(spread.fallbacks()).extracting(FleetServer::serverId).as("c is full; d (15/20) before b (8/10)")
            .containsExactly("d", "b");
    }

    @Test
    void tiesGoToTheLowestServerIdInBothPolicies() {
        ServerDirectory directory = directory(LONG_TTL);
        for (String id : List.of("b-2", "B-1", "a.9", "a:1", "a_3", "a-0")) {
            directory.announce(server(id, 4, Set.of()));
        }
        FleetReservation pack = directory.reserve(request(1).withFallbackServers(5)).orElseThrow();
        assertThat(pack.server().serverId()).isEqualTo("B-1");
        assertThat(pack.fallbacks()).extracting(FleetServer::serverId).as("ASCII order, as String.compareTo")
            .containsExactly("a-0", "a.9", "a:1", "a_3", "b-2");
        FleetReservation spread = directory.reserve(request(2).withPolicy(SelectionPolicy.SPREAD)).orElseThrow();
        assertThat(spread.server().serverId()).as("B-1 now holds one").isEqualTo("a-0");
        assertThat(directory.servers()).extracting(FleetServer::serverId)
            .containsExactly("B-1", "a-0", "a.9", "a:1", "a_3", "b-2");
    }

    @Test
    void aTokenListsTheReservedServerFirstAndAtMostTheFallbacksAskedFor() {
        ServerDirectory directory = directory(LONG_TTL);
        for (int i = 0; i < 5; i++) {
            directory.announce(server("s" + i, 10, ids(100 * i, i)));
        }
        FleetReservation reservation = directory.reserve(request(1).withFallbackServers(2)).orElseThrow();
        assertThat(reservation.server().serverId()).isEqualTo("s4");
        assertThat(reservation.fallbacks()).extracting(FleetServer::serverId).containsExactly("s3", "s2");
        assertThat(reservation.tokenAddresses()).containsExactly(address("s4"), address("s3"), address("s2"));
        assertThat(directory.reserve(request(2).withFallbackServers(0)).orElseThrow().fallbacks()).isEmpty();
    }

    @Test
    void aServerReadsBackAsItWasAnnounced() {
        ServerDirectory directory = directory(LONG_TTL);
        List<NetcodeAddress> addresses = List.of(NetcodeAddress.parse("192.0.2.7:40000"),
                NetcodeAddress.parse("[2001:db8::7]:40001"));
        directory.announce(new ServerAnnouncement("eu-1", PROTOCOL, addresses, 64, Set.of(-1L, Long.MIN_VALUE),
                Map.of("region", "eu", "mode", "ranked"), STARTED_AT));
        directory.reserve(request(5)).orElseThrow();
        assertThat(directory.servers()).singleElement().satisfies(server -> {
            assertThat(server.serverId()).isEqualTo("eu-1");
            assertThat(server.protocolId()).isEqualTo(PROTOCOL);
            assertThat(server.publicAddresses()).containsExactlyElementsOf(addresses);
            assertThat(server.maxClients()).isEqualTo(64);
            assertThat(server.connectedClients()).isEqualTo(2);
            assertThat(server.reservedSlots()).isEqualTo(1);
            assertThat(server.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("region", "eu", "mode", "ranked"));
            assertThat(server.startedAt()).isEqualTo(STARTED_AT.truncatedTo(ChronoUnit.MILLIS));
        });
        directory.announce(new ServerAnnouncement("eu-1", PROTOCOL, addresses, 64, Set.of(), Map.of("region", "eu"),
                STARTED_AT));
        assertThat(find(directory, "eu-1").labels()).as("an announcement replaces the last one")
            .containsExactly(Map.entry("region", "eu"));
    }

    @Test
    void neverMoreReservationsAndConnectionsThanSlots() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 5, ids(100, 1)));
        directory.announce(server("b", 5, Set.of()));
        directory.announce(server("c", 5, ids(300, 4)));
        directory.announce(server("d", 3, ids(400, 3)));
        int reserved = 0;
        for (long client = 1; client <= 20; client++) {
            if (directory.reserve(request(client)).isPresent()) {
                reserved++;
            }
        }
        assertThat(reserved).isEqualTo(18 - 8);
        assertThat(directory.servers()).allSatisfy(s -> assertThat(s.freeSlots()).isZero())
            .allSatisfy(s -> assertThat(s.connectedClients() + s.reservedSlots()).isEqualTo(s.maxClients()));
        assertThat(directory.statistics().reservationsMade()).isEqualTo(10);
        assertThat(directory.statistics().reservationsRefused()).isEqualTo(10);
    }

    @Test
    void aClientAskingAgainKeepsItsOneReservationUntilTheLaterExpiry() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 2, Set.of()));
        directory.announce(server("b", 2, Set.of()));
        Instant now = Instant.now();
        FleetReservation first = directory.reserve(FleetRequest.of(PROTOCOL, 7, now.plusSeconds(30))).orElseThrow();
        assertThat(first.expiresAt()).isEqualTo(now.plusSeconds(30));
        FleetReservation later = directory.reserve(FleetRequest.of(PROTOCOL, 7, now.plusSeconds(40))).orElseThrow();
        assertThat(later.server().serverId()).isEqualTo(first.server().serverId());
        assertThat(later.expiresAt()).isEqualTo(now.plusSeconds(40));
        FleetReservation earlier = directory.reserve(
                FleetRequest.of(PROTOCOL, 7, now.plusSeconds(10)).withPolicy(SelectionPolicy.SPREAD)).orElseThrow();
        assertThat(earlier.server().serverId()).as("its own server, even where the policy would pick another")
            .isEqualTo(first.server().serverId());
        assertThat(earlier.expiresAt()).as("never shortened").isCloseTo(now.plusSeconds(40), within(100, ChronoUnit.MILLIS));
        assertThat(reservedInFleet(directory)).isEqualTo(1);
        assertThat(directory.statistics().reservationsMade()).isEqualTo(3);
    }

    @Test
    void aClientHoldsOneReservationInTheWholeFleetAndMovesWhenItsServerNoLongerQualifies() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("eu-1", 4, Set.of(), Map.of("region", "eu")));
        directory.announce(server("us-1", 4, Set.of(), Map.of("region", "us")));
        assertThat(directory.reserve(request(9).region("eu")).orElseThrow().server().serverId()).isEqualTo("eu-1");
        assertThat(directory.reserve(request(9).region("us")).orElseThrow().server().serverId()).isEqualTo("us-1");
        assertThat(find(directory, "eu-1").reservedSlots()).isZero();
        assertThat(find(directory, "us-1").reservedSlots()).isOne();
        assertThat(directory.reserve(request(9).region("asia"))).as("nothing qualifies").isEmpty();
        assertThat(reservedInFleet(directory)).as("and the old reservation is gone").isZero();
    }

    @Test
    void aRequestForMoreLabelsThanAServerCarriesQualifiesNoneAndIsRefusedNotAnError() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("eu-1", 4, Set.of(), Map.of("region", "eu")));
        assertThat(directory.reserve(request(9).region("eu"))).isPresent();
        // Thousands of labels (a customizer gone wrong): more than a script can unpack in one call.
        FleetRequest greedy = request(9).region("eu");
        for (int i = 0; i < 9_000; i++) {
            greedy = greedy.withLabel("k" + i, "v");
        }
        assertThat(directory.reserve(greedy)).isEmpty();
        assertThat(directory.statistics().reservationsRefused()).isOne();
        assertThat(reservedInFleet(directory)).as("its server no longer qualifies: the old reservation is gone").isZero();
    }

    @Test
    void labelsAndProtocolIdDecideWhichServersQualify() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("eu-1", 4, Set.of(), Map.of("region", "eu", "mode", "ranked")));
        directory.announce(server("us-1", 4, Set.of(), Map.of("region", "us")));
        directory.announce(new ServerAnnouncement("other-game", PROTOCOL + 1, List.of(NetcodeAddress.parse("127.0.0.1:1")),
                64, Set.of(), Map.of("region", "eu"), STARTED_AT));
        assertThat(directory.reserve(request(1).region("us")).orElseThrow().server().serverId()).isEqualTo("us-1");
        FleetReservation eu = directory.reserve(request(2).region("eu")).orElseThrow();
        assertThat(eu.server().serverId()).isEqualTo("eu-1");
        assertThat(eu.fallbacks()).as("other protocol ids never qualify").isEmpty();
        assertThat(directory.reserve(request(3).region("eu").withLabel("mode", "casual"))).isEmpty();
        assertThat(directory.reserve(request(4).region("asia"))).isEmpty();
        assertThat(directory.reserve(FleetRequest.of(PROTOCOL + 1, 5, Instant.now().plusSeconds(30))).orElseThrow()
            .server().serverId()).isEqualTo("other-game");
        assertThat(directory.servers()).extracting(FleetServer::serverId).as("servers() lists every protocol")
            .containsExactly("eu-1", "other-game", "us-1");
    }

    @Test
    void anAnnouncementConsumesTheReservationsOfItsConnectedClientsHeldOnIt() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 3, Set.of()));
        directory.announce(server("b", 3, ids(200, 1)));
        FleetReservation reservation = directory.reserve(request(1)).orElseThrow();
        assertThat(reservation.server().serverId()).isEqualTo("b");
        directory.reserve(request(2)).orElseThrow();
        assertThat(find(directory, "b").freeSlots()).isZero();
        directory.announce(server("b", 3, Set.of(200L, 2L)));
        assertThat(find(directory, "b").reservedSlots()).as("client 2 connected: its slot is a connection now").isOne();
        assertThat(find(directory, "b").connectedClients()).isEqualTo(2);
        // Client 1 connected to its fallback a: b cannot tell it will not come, so its slot stays
        // held there until the reservation expires (counted twice meanwhile, never overbooked).
        directory.announce(server("a", 3, Set.of(1L)));
        assertThat(find(directory, "a").connectedClients()).isOne();
        assertThat(find(directory, "a").reservedSlots()).isZero();
        assertThat(find(directory, "b").reservedSlots()).isOne();
        assertThat(find(directory, "b").freeSlots()).isZero();
        assertThat(directory.reserve(request(1)).orElseThrow().server().serverId()).as("client 1 still holds it")
            .isEqualTo("b");
        directory.announce(server("b", 3, Set.of(200L, 2L, 1L)));
        assertThat(reservedInFleet(directory)).isZero();
    }

    @Test
    void aPlayerConnectedElsewhereKeepsTheSlotReservedForItsNextServer() {
        // Connected to b, the player asks for a token for another server (it switches arenas, or
        // leaves a lobby): until it connects there, b's heartbeats must not free that slot.
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 2, Set.of()));
        directory.announce(server("b", 1, Set.of(9L)));
        assertThat(directory.reserve(request(9)).orElseThrow().server().serverId()).isEqualTo("a");
        directory.announce(server("b", 1, Set.of(9L)));
        assertThat(find(directory, "a").reservedSlots()).isOne();
        assertThat(directory.reserve(request(10))).isPresent();
        assertThat(directory.reserve(request(11))).as("a has one slot left for others, not two").isEmpty();
        directory.announce(server("a", 2, Set.of(9L)));
        directory.announce(server("b", 1, Set.of()));
        assertThat(find(directory, "a").connectedClients() + find(directory, "a").reservedSlots()).isEqualTo(2);
    }

    @Test
    void withdrawRemovesAServerAndItsReservationsAtOnce() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 4, Set.of()));
        directory.announce(server("b", 1, Set.of()));
        assertThat(directory.reserve(request(1).withPolicy(SelectionPolicy.SPREAD)).orElseThrow().server().serverId())
            .isEqualTo("a");
        directory.withdraw("a");
        directory.withdraw("never-announced");
        assertThat(directory.servers()).extracting(FleetServer::serverId).containsExactly("b");
        assertThat(directory.reserve(request(1)).orElseThrow().server().serverId()).as("client 1 holds nothing any more")
            .isEqualTo("b");
        assertThat(directory.reserve(request(2))).isEmpty();
        directory.withdraw("b");
        assertThat(directory.servers()).isEmpty();
    }

    @Test
    void aServerThatStopsAnnouncingDropsOutAfterTheTimeToLiveWithItsReservations() {
        Duration ttl = Duration.ofMillis(600);
        ServerDirectory directory = directory(ttl);
        long announced = System.nanoTime();
        directory.announce(server("a", 4, Set.of()));
        directory.announce(server("b", 4, Set.of()));
        assertThat(directory.reserve(request(1).withPolicy(SelectionPolicy.SPREAD)).orElseThrow().server().serverId())
            .isEqualTo("a");
        assertThat(directory.servers()).hasSize(2);
        Await.until("a to drop out", ttl.multipliedBy(4), () -> {
            directory.announce(server("b", 4, Set.of()));
            return directory.servers().stream().noneMatch(s -> s.serverId().equals("a"));
        });
        assertThat(Duration.ofNanos(System.nanoTime() - announced)).as("not before its time to live")
            .isGreaterThanOrEqualTo(ttl.minus(CLOCK_GRAIN));
        assertThat(directory.servers()).extracting(FleetServer::serverId).containsExactly("b");
        assertThat(find(directory, "b").reservedSlots()).isZero();
        assertThat(directory.statistics().reservationsExpired()).as("the reservation went with its server").isOne();
        assertThat(directory.reserve(request(1)).orElseThrow().server().serverId()).isEqualTo("b");
    }

    @Test
    void aReservationLapsesWhenItsTokenExpiresUnused() {
        ServerDirectory directory = directory(LONG_TTL);
        directory.announce(server("a", 1, Set.of()));
        long reserved = System.nanoTime();
        directory.reserve(FleetRequest.of(PROTOCOL, 1, Instant.now().plusMillis(400))).orElseThrow();
        assertThat(directory.reserve(request(2))).as("full").isEmpty();
        Await.until("client 1's reservation to lapse", Duration.ofSeconds(5), () -> directory.reserve(request(2)).isPresent());
        assertThat(Duration.ofNanos(System.nanoTime() - reserved)).as("not before the token expires")
            .isGreaterThanOrEqualTo(Duration.ofMillis(400).minus(CLOCK_GRAIN));
        assertThat(directory.statistics().reservationsExpired()).isOne();
        directory.announce(server("a", 1, Set.of(2L)));
        FleetServer a = find(directory, "a");
        assertThat(a.reservedSlots()).as("the connection took the reservation's place").isZero();
        assertThat(a.freeSlots()).isZero();
    }

    @Test
    void racingIssuersReserveExactlyTheFreeSlots() throws Exception {
        ServerDirectory directory = directory(LONG_TTL);
        for (String id : List.of("a", "b", "c")) {
            directory.announce(server(id, 50, Set.of()));
        }
        Map<String, Integer> perServer = race(List.of(directory), 1_000, 8);
        assertThat(perServer).containsExactlyInAnyOrderEntriesOf(new HashMap<>(Map.of("a", 50, "b", 50, "c", 50)));
        assertThat(directory.servers()).allSatisfy(s -> assertThat(s.reservedSlots()).isEqualTo(50));
    }

    /**
     * {@code requests} reservations for distinct clients on {@code threads} threads, spread over
     * {@code issuers} in turn, all released at once. @return granted reservations per server
     */
    protected static Map<String, Integer> race(List<ServerDirectory> issuers, int requests, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicLong clientIds = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<FleetReservation>>> results = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                ServerDirectory issuer = issuers.get(i % issuers.size());
                results.add(pool.submit(() -> {
                    start.await();
                    return issuer.reserve(request(clientIds.incrementAndGet()));
                }));
            }
            start.countDown();
            Map<String, Integer> perServer = new HashMap<>();
            for (Future<Optional<FleetReservation>> result : results) {
                result.get(60, TimeUnit.SECONDS)
                    .ifPresent(reservation -> perServer.merge(reservation.server().serverId(), 1, Integer::sum));
            }
            return perServer;
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEmptyDirectoryRefusesAndCountsIt() {
        ServerDirectory directory = directory(LONG_TTL);
        assertThat(directory.servers()).isEmpty();
        assertThat(directory.reserve(request(1))).isEmpty();
        assertThat(directory.statistics().reservationsRefused()).isOne();
        assertThat(directory.statistics().reservationsMade()).isZero();
    }
}
