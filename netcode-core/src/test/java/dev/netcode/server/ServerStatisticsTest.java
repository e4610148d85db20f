package dev.netcode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.DropReason;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.transport.Transport;

/**
 * The server's totals are counted in plain fields during an update and added to its
 * {@link ServerStatistics} once at the end: they must still add up exactly, however many server
 * threads share one statistics object, and the server's own thread must see every datagram counted.
 */
class ServerStatisticsTest {

    private static final NetcodeAddress SERVER = NetcodeAddress.parse("127.0.0.1:40000");
    private static final NetcodeAddress PEER = NetcodeAddress.parse("127.0.0.1:50000");
    /** Per update: this many one-byte datagrams (BAD_LENGTH) and as many 30-byte ones from an unknown peer (NO_KEY). */
    private static final int PAIRS_PER_UPDATE = 50;

    /** Hands every receive call {@code PAIRS_PER_UPDATE} pairs of datagrams the server drops. */
    private static final class GarbageTransport implements Transport {

        private final byte[] datagram = new byte[30];

        GarbageTransport() {
            datagram[0] = 0x14;
        }

        @Override
        public NetcodeAddress localAddress() {
            return SERVER;
        }

        @Override
        public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
        }

        @Override
        public int receive(DatagramHandler handler, int max) {
            for (int i = 0; i < PAIRS_PER_UPDATE; i++) {
                handler.onDatagram(PEER, datagram, 0, 1);
                handler.onDatagram(PEER, datagram, 0, datagram.length);
            }
            return 2 * PAIRS_PER_UPDATE;
        }

        @Override
        public void close() {
        }
    }

    private static ServerStateMachine server(ServerStatistics statistics, ServerEventHandler events) {
        ServerConfig config = ServerConfig.builder(ProtocolHarness.PROTOCOL_ID, ProtocolHarness.PRIVATE_KEY.clone())
                .serverAddress(SERVER).eventHandler(events).build();
        ServerStateMachine server = new ServerStateMachine(config, new GarbageTransport(), 0.0, statistics);
        server.start(4);
        return server;
    }

    @Test
    void serversOnSeveralThreadsAddingToOneStatisticsObjectLoseNoCount() throws Exception {
        ServerStatistics statistics = new ServerStatistics();
        int threads = 4;
        int updates = 2_000;
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Thread> loops = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread loop = new Thread(() -> {
                try (ServerStateMachine server = server(statistics, new ServerEventHandler() {
                })) {
                    together.await();
                    for (int u = 1; u <= updates; u++) {
                        server.update(u * 0.001);
                    }
                }
                catch (Exception ex) {
                    synchronized (failures) {
                        failures.add(ex);
                    }
                }
            });
            loop.start();
            loops.add(loop);
        }
        for (Thread loop : loops) {
            loop.join();
        }

        assertThat(failures).isEmpty();
        long perKind = (long) threads * updates * PAIRS_PER_UPDATE;
        assertThat(statistics.packetsReceived()).isEqualTo(2 * perKind);
        assertThat(statistics.drops().get(DropReason.BAD_LENGTH)).isEqualTo(perKind);
        assertThat(statistics.drops().get(DropReason.NO_KEY)).isEqualTo(perKind);
        assertThat(statistics.drops().total()).isEqualTo(2 * perKind);
    }

    @Test
    void anotherThreadSeesTheTotalsOfEveryFinishedUpdate() throws Exception {
        ServerStatistics statistics = new ServerStatistics();
        try (ServerStateMachine server = server(statistics, new ServerEventHandler() {
        })) {
            for (int u = 1; u <= 3; u++) {
                server.update(u * 0.01);
                long expected = 2L * u * PAIRS_PER_UPDATE;
                long[] seen = new long[2];
                Thread reader = new Thread(() -> {
                    seen[0] = statistics.packetsReceived();
                    seen[1] = statistics.drops().total();
                });
                reader.start();
                reader.join();
                assertThat(seen).as("after update %d", u).containsExactly(expected, expected);
            }
        }
    }

    @Test
    void theServerThreadCountsEveryDatagramEvenDuringAnUpdate() {
        long[] countedBeforeOnUpdate = new long[1];
        ServerEventHandler events = new ServerEventHandler() {
            @Override
            public void onUpdate(ServerStateMachine server, double time) {
                countedBeforeOnUpdate[0] = server.packetsReceived();
            }
        };
        try (ServerStateMachine server = server(new ServerStatistics(), events)) {
            server.update(0.01);
            assertThat(countedBeforeOnUpdate[0]).isEqualTo(2L * PAIRS_PER_UPDATE);
            server.update(0.02);
            assertThat(countedBeforeOnUpdate[0]).isEqualTo(4L * PAIRS_PER_UPDATE);
            assertThat(server.packetsReceived()).isEqualTo(4L * PAIRS_PER_UPDATE);
        }
    }

    @Test
    void aDatagramHandedInOutsideAnUpdateIsCountedAtOnce() {
        ServerStatistics statistics = new ServerStatistics();
        try (ServerStateMachine server = server(statistics, new ServerEventHandler() {
        })) {
            server.onDatagram(PEER, new byte[1], 0, 1);

            assertThat(statistics.packetsReceived()).isEqualTo(1);
            assertThat(statistics.drops().get(DropReason.BAD_LENGTH)).isEqualTo(1);
        }
    }
}
