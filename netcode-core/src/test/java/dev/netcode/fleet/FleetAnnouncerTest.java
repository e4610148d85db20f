package dev.netcode.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.TestShards;
import dev.netcode.token.ConnectTokenGenerator;

class FleetAnnouncerTest {

    private static final long PROTOCOL = 0x1122334455667788L;
    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final NetcodeAddress LOOPBACK = NetcodeAddress.parse("127.0.0.1:0");

    private final InMemoryServerDirectory memory = new InMemoryServerDirectory();
    private final FlakyDirectory directory = new FlakyDirectory(memory);
    private FleetAnnouncer announcer;

    @AfterEach
    void closeAnnouncer() {
        if (announcer != null) {
            announcer.close();
        }
    }

    private static ServerAnnouncement announcement(String id) {
        return new ServerAnnouncement(id, PROTOCOL, List.of(NetcodeAddress.parse("127.0.0.1:40000")), 8, Set.of(),
                Map.of(), Instant.EPOCH);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 10 s for %s", what).isNegative();
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }

    private static boolean heartbeatThreadAlive(String serverId) {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals("netcode-fleet-announcer-" + serverId) && thread.isAlive());
    }

    @Test
    void announcesAtOnceOnStartThenEveryInterval() {
        announcer = new FleetAnnouncer(directory, "a", () -> announcement("a"), INTERVAL);
        announcer.start();
        assertThat(directory.announcements.get()).as("on the caller's thread, before start returns").isOne();
        assertThat(announcer.isListed()).isTrue();
        assertThat(memory.servers()).extracting(FleetServer::serverId).containsExactly("a");
        await("two heartbeats", () -> directory.announcements.get() >= 3);
        announcer.start();
        assertThat(heartbeatThreadAlive("a")).isTrue();
    }

    @Test
    void keepsTryingWhileTheDirectoryIsUnreachableAndIsListedAgainAfter() {
        directory.down.set(true);
        announcer = new FleetAnnouncer(directory, "a", () -> announcement("a"), INTERVAL);
        announcer.start();
        assertThat(announcer.isListed()).isFalse();
        int attempts = directory.attempts.get();
        await("more attempts", () -> directory.attempts.get() >= attempts + 3);
        assertThat(memory.servers()).isEmpty();

        directory.down.set(false);
        await("listed again", announcer::isListed);
        assertThat(memory.servers()).extracting(FleetServer::serverId).containsExactly("a");

        directory.down.set(true);
        await("noticed down again", () -> !announcer.isListed());
        directory.down.set(false);
        await("listed once more", announcer::isListed);
    }

    @Test
    void anAnnouncementThatCannotBeMadeIsSkippedNotFatal() {
        AtomicBoolean broken = new AtomicBoolean(true);
        announcer = new FleetAnnouncer(directory, "a", () -> {
            if (broken.get()) {
                throw new IllegalStateException("the server did not answer");
            }
            return announcement("a");
        }, INTERVAL);
        announcer.start();
        assertThat(announcer.isListed()).isFalse();
        broken.set(false);
        await("listed", announcer::isListed);
    }

    @Test
    void closeWithdrawsAndNeverAnnouncesAgain() {
        announcer = new FleetAnnouncer(directory, "a", () -> announcement("a"), INTERVAL);
        announcer.start();
        await("a heartbeat", () -> directory.announcements.get() >= 2);
        announcer.close();
        assertThat(memory.servers()).isEmpty();
        assertThat(announcer.isListed()).isFalse();
        await("the heartbeat thread to end", () -> !heartbeatThreadAlive("a"));
        int announced = directory.announcements.get();
        assertThat(announcer.announceNow()).isFalse();
        announcer.start();
        assertThat(directory.announcements.get()).isEqualTo(announced);
        assertThat(heartbeatThreadAlive("a")).isFalse();
        assertThat(memory.servers()).isEmpty();
    }

    @Test
    void closeNeverThrowsWhenTheDirectoryIsUnreachable() {
        announcer = new FleetAnnouncer(directory, "a", () -> announcement("a"), INTERVAL);
        announcer.start();
        directory.down.set(true);
        announcer.close();
        assertThat(directory.withdrawals.get()).as("it tried").isOne();
        assertThat(announcer.isListed()).isFalse();
    }

    @Test
    void forServerAnnouncesARealServersAddressesSlotsAndConnectedClients() throws Exception {
        byte[] key = SecureRandomBytes.key();
        try (NetcodeServer server = NetcodeServer.start(TestShards.config(PROTOCOL, key).build(), LOOPBACK, 4);
                NetcodeClient client = NetcodeClient.start(LOOPBACK, new ClientEventHandler() {
                })) {
            announcer = FleetAnnouncer.forServer(directory, server, "arena-1", Map.of("region", "eu"), INTERVAL);
            announcer.start();
            FleetServer listed = memory.servers().get(0);
            assertThat(listed.serverId()).isEqualTo("arena-1");
            assertThat(listed.protocolId()).isEqualTo(PROTOCOL);
            assertThat(listed.publicAddresses()).containsExactlyElementsOf(server.serverAddresses());
            assertThat(listed.maxClients()).isEqualTo(4);
            assertThat(listed.labels()).containsExactly(Map.entry("region", "eu"));
            assertThat(listed.connectedClients()).isZero();

            Optional<FleetReservation> reservation = memory.reserve(
                    FleetRequest.of(PROTOCOL, 77, Instant.now().plusSeconds(30)).region("eu"));
            assertThat(reservation).isPresent();
            assertThat(memory.servers().get(0).reservedSlots()).isOne();
            try (ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL)) {
                client.connect(tokens.generate(77, reservation.get().tokenAddresses(), 30, 5, null).toBytes());
            }
            assertThat(client.awaitState(state -> state == ClientState.CONNECTED || state.isError(), 10_000))
                .isEqualTo(ClientState.CONNECTED);
            await("the heartbeat to report client 77", () -> memory.servers().get(0).connectedClients() == 1);
            assertThat(memory.servers().get(0).reservedSlots()).as("its reservation became the connection").isZero();
        }
        announcer.announceNow(); // waits for a heartbeat that may have been under way as the server stopped
        int announced = directory.announcements.get();
        assertThat(announcer.announceNow()).as("still listed until its time to live").isTrue();
        assertThat(directory.announcements.get()).as("a stopped server is not announced").isEqualTo(announced);
    }

    /** Delegates to an in-memory directory, counting calls, and throws like an unreachable Redis while down. */
    private static final class FlakyDirectory implements ServerDirectory {

        final ServerDirectory delegate;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger announcements = new AtomicInteger();
        final AtomicInteger withdrawals = new AtomicInteger();

        FlakyDirectory(ServerDirectory delegate) {
            this.delegate = delegate;
        }

        private void reach() {
            if (down.get()) {
                throw new ServerDirectoryUnavailableException("the directory is down (test)", null);
            }
        }

        @Override
        public void announce(ServerAnnouncement server) {
            attempts.incrementAndGet();
            reach();
            delegate.announce(server);
            announcements.incrementAndGet();
        }

        @Override
        public void withdraw(String serverId) {
            withdrawals.incrementAndGet();
            reach();
            delegate.withdraw(serverId);
        }

        @Override
        public Optional<FleetReservation> reserve(FleetRequest request) {
            reach();
            return delegate.reserve(request);
        }

        @Override
        public List<FleetServer> servers() {
            reach();
            return delegate.servers();
        }

        @Override
        public DirectoryStatistics statistics() {
            return delegate.statistics();
        }
    }
}
