package dev.netcode.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

class InMemoryServerDirectoryTest {

    private static final long PROTOCOL = 0x1122334455667788L;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T00:00:00Z"));
    private final InMemoryServerDirectory directory = new InMemoryServerDirectory(now::get, Duration.ofSeconds(3));

    private static ServerAnnouncement server(String id, int maxClients, Set<Long> connected, Map<String, String> labels) {
        return new ServerAnnouncement(id, PROTOCOL, List.of(NetcodeAddress.parse("127.0.0.1:" + (40000 + id.hashCode() % 1000))),
                maxClients, connected, labels, Instant.parse("2026-12-01T23:00:00Z"));
    }

    private static ServerAnnouncement server(String id, int maxClients, Set<Long> connected) {
        return server(id, maxClients, connected, Map.of());
    }

    private FleetRequest request(long clientId) {
        return FleetRequest.of(PROTOCOL, clientId, now.get().plusSeconds(30));
    }

    private void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    private static Set<Long> ids(long from, int count) {
        Set<Long> ids = new java.util.HashSet<>();
        for (long id = from; id < from + count; id++) {
            ids.add(id);
        }
        return ids;
    }

    @Test
    void packFillsTheFullestServerWithRoomAndSpreadTheLeastLoaded() {
        directory.announce(server("a", 10, ids(100, 2)));
        directory.announce(server("b", 10, ids(200, 7)));
        directory.announce(server("c", 10, ids(300, 10)));
        assertThat(directory.reserve(request(1)).orElseThrow().server().serverId()).isEqualTo("b");
        FleetReservation spread = directory.reserve(request(2).withPolicy(SelectionPolicy.SPREAD)).orElseThrow();
        assertThat(spread.server().serverId()).isEqualTo("a");
        assertThat(spread.fallbacks()).extracting(FleetServer::serverId).as("c is full").containsExactly("b");
    }

    @Test
    void neverMoreReservationsAndConnectionsThanSlots() {
        directory.announce(server("a", 5, ids(100, 1)));
        directory.announce(server("b", 5, Set.of()));
        directory.announce(server("c", 5, ids(300, 4)));
        int reserved = 0;
        for (long client = 1; client <= 20; client++) {
            if (directory.reserve(request(client)).isPresent()) {
                reserved++;
            }
        }
        assertThat(reserved).isEqualTo(15 - 5);
        assertThat(directory.servers()).allSatisfy(s -> assertThat(s.freeSlots()).isZero())
            .allSatisfy(s -> assertThat(s.connectedClients() + s.reservedSlots()).isEqualTo(5));
    }

    @Test
    void aClientAskingAgainKeepsItsOneReservation() {
        directory.announce(server("a", 2, Set.of()));
        FleetReservation first = directory.reserve(request(7)).orElseThrow();
        advance(Duration.ofSeconds(1));
        FleetReservation again = directory.reserve(request(7)).orElseThrow();
        assertThat(again.server().serverId()).isEqualTo(first.server().serverId());
        assertThat(again.expiresAt()).isAfter(first.expiresAt());
        assertThat(directory.servers().get(0).reservedSlots()).isEqualTo(1);
    }

    @Test
    void labelsAndProtocolIdDecideWhichServersQualify() {
        directory.announce(server("eu-1", 4, Set.of(), Map.of("region", "eu", "mode", "ranked")));
        directory.announce(server("us-1", 4, Set.of(), Map.of("region", "us")));
        directory.announce(new ServerAnnouncement("other-game", PROTOCOL + 1, List.of(NetcodeAddress.parse("127.0.0.1:1")),
                64, Set.of(), Map.of("region", "eu"), Instant.EPOCH));
        assertThat(directory.reserve(request(1).region("us")).orElseThrow().server().serverId()).isEqualTo("us-1");
        FleetReservation eu = directory.reserve(request(2).region("eu")).orElseThrow();
        assertThat(eu.server().serverId()).isEqualTo("eu-1");
        assertThat(eu.fallbacks()).as("other protocol ids never qualify").isEmpty();
        assertThat(directory.reserve(request(3).region("eu").withLabel("mode", "casual"))).isEmpty();
        assertThat(directory.reserve(request(4).region("asia"))).isEmpty();
    }

    @Test
    void aServerThatStopsAnnouncingDropsOutAfterTheTimeToLiveWithItsReservations() {
        directory.announce(server("a", 4, Set.of()));
        directory.announce(server("b", 4, Set.of()));
        directory.reserve(request(1).withPolicy(SelectionPolicy.SPREAD)).orElseThrow();
        advance(Duration.ofMillis(2_900));
        directory.announce(server("b", 4, Set.of()));
        assertThat(directory.servers()).hasSize(2);
        advance(Duration.ofMillis(100));
        assertThat(directory.servers()).extracting(FleetServer::serverId).containsExactly("b");
        assertThat(directory.servers().get(0).reservedSlots()).isZero();
    }

    @Test
    void aReservationLapsesWhenItsTokenExpiresAndBecomesAConnectionWhenTheServerSaysSo() {
        directory.announce(server("a", 1, Set.of()));
        directory.reserve(FleetRequest.of(PROTOCOL, 1, now.get().plusSeconds(2))).orElseThrow();
        assertThat(directory.reserve(request(2))).as("full").isEmpty();
        advance(Duration.ofSeconds(2));
        directory.announce(server("a", 1, Set.of()));
        assertThat(directory.reserve(request(2))).as("client 1's token expired unused").isPresent();
        directory.announce(server("a", 1, Set.of(2L)));
        FleetServer a = directory.servers().get(0);
        assertThat(a.reservedSlots()).as("the connection took the reservation's place").isZero();
        assertThat(a.freeSlots()).isZero();
    }

    @Test
    void withdrawRemovesAServerAtOnce() {
        directory.announce(server("a", 4, Set.of()));
        directory.reserve(request(1)).orElseThrow();
        directory.withdraw("a");
        assertThat(directory.servers()).isEmpty();
        assertThat(directory.reserve(request(2))).isEmpty();
    }

    @Test
    void racingIssuersReserveExactlyTheFreeSlots() throws Exception {
        for (String id : List.of("a", "b", "c")) {
            directory.announce(server(id, 50, Set.of()));
        }
        ExecutorService issuers = Executors.newFixedThreadPool(8);
        AtomicLong clientIds = new AtomicLong();
        Map<String, Integer> perServer = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<Optional<FleetReservation>>> results = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            results.add(issuers.submit(() -> {
                start.await();
                return directory.reserve(request(clientIds.incrementAndGet()));
            }));
        }
        start.countDown();
        int granted = 0;
        for (var result : results) {
            Optional<FleetReservation> reservation = result.get(30, TimeUnit.SECONDS);
            if (reservation.isPresent()) {
                granted++;
                perServer.merge(reservation.get().server().serverId(), 1, Integer::sum);
            }
        }
        issuers.shutdownNow();
        assertThat(granted).isEqualTo(150);
        assertThat(perServer).containsExactlyInAnyOrderEntriesOf(new HashMap<>(Map.of("a", 50, "b", 50, "c", 50)));
    }

    @Test
    void announcementsOutOfRangeAreRefusedNamingTheField() {
        assertThatThrownBy(() -> server("bad id", 4, Set.of())).hasMessageContaining("serverId");
        assertThatThrownBy(() -> server("a", 0, Set.of())).hasMessageContaining("maxClients");
        assertThatThrownBy(() -> server("a", 1, ids(1, 2))).hasMessageContaining("connectedClientIds");
        assertThatThrownBy(() -> new ServerAnnouncement("a", PROTOCOL, List.of(), 4, Set.of(), Map.of(), Instant.EPOCH))
            .hasMessageContaining("publicAddresses");
    }
}
