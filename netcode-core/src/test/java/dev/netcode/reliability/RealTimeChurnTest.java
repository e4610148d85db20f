package dev.netcode.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerAudit;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.token.ConnectTokenGenerator;

import static dev.netcode.reliability.Reliability.fmt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connect/disconnect churn against a real UDP {@link NetcodeServer} on 127.0.0.1: 24 lanes, each
 * cycling connect (fresh token) → one echoed payload → clean disconnect. Half the lanes keep one
 * {@link NetcodeClient} and reconnect it; the other half start a new client (socket and thread)
 * every cycle and close it, as a process full of short-lived clients would. Heap after GC and live
 * threads are sampled after a warm-up, half-way and at the end, and must stay flat; afterwards the
 * server has no slot, mapping or token entry left that it cannot account for ({@link ServerAudit}).
 *
 * <p>Tokens live 5 s (and the server's restart window is set to match): the token history holds
 * 8 × max(256, slots) entries, so a server admits at most that many new tokens per token lifetime;
 * with the default 30 s that is about 68 new sessions a second.
 *
 * <p>Short version (verify): 1,000 cycles. Long: {@code -Dnetcode.churn.cycles=20000} (or
 * {@code -Dnetcode.reliability.long=true}, 10,000).
 */
class RealTimeChurnTest {

    private static final int LANES = 24;
    private static final int SLOTS = 64;
    private static final int TOKEN_EXPIRY = 5;
    private static final long PROTOCOL_ID = 0x436875726EL;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");

    @Test
    void thousandsOfConnectDisconnectCyclesLeaveMemoryThreadsAndServerTablesFlat() throws Exception {
        long cycles = Reliability.setting("netcode.churn.cycles", 1_000, 10_000);
        byte[] key = SecureRandomBytes.key();
        AtomicLong connects = new AtomicLong();
        AtomicLong clientDisconnects = new AtomicLong();
        AtomicLong otherDisconnects = new AtomicLong();
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).maxConnectTokenLifetime(TOKEN_EXPIRY)
                .eventHandler(new ServerEventHandler() {
                    @Override
                    public void onClientConnected(ClientSlot slot) {
                        connects.incrementAndGet();
                    }

                    @Override
                    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                        slot.send(buf, offset, length);
                    }

                    @Override
                    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                        (reason == DisconnectReason.CLIENT_DISCONNECT ? clientDisconnects : otherDisconnects)
                                .incrementAndGet();
                    }
                }).build();
        NetcodeServer server = NetcodeServer.start(config, LOCALHOST, SLOTS);
        ExecutorService lanes = Executors.newFixedThreadPool(LANES, runnable -> {
            Thread thread = new Thread(runnable, "churn-lane");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
            NetcodeAddress address = server.localAddress();
            AtomicInteger started = new AtomicInteger();
            long warmUp = Math.max(LANES, cycles / 10);
            long[] checkpoints = { warmUp, warmUp + (cycles - warmUp) / 2, cycles };
            long[] heap = new long[3];
            int[] threads = new int[3];
            int[] netcodeThreads = new int[3];
            int[] newThreads = new int[3];
            java.util.Set<Long> warmThreads = null;
            long begin = System.nanoTime();
            for (int checkpoint = 0; checkpoint < 3; checkpoint++) {
                long target = checkpoints[checkpoint];
                CountDownLatch done = new CountDownLatch(LANES);
                List<Future<?>> futures = new ArrayList<>();
                for (int lane = 0; lane < LANES; lane++) {
                    int laneIndex = lane;
                    futures.add(lanes.submit(() -> {
                        try {
                            runLane(laneIndex, started, target, tokens, address);
                        }
                        finally {
                            done.countDown();
                        }
                        return null;
                    }));
                }
                assertThat(done.await(10 + target / 20, TimeUnit.SECONDS)).as("lanes finish").isTrue();
                for (Future<?> future : futures) {
                    future.get();
                }
                heap[checkpoint] = Reliability.heapAfterGc();
                threads[checkpoint] = Reliability.liveThreads();
                java.util.Set<Long> ids = Reliability.threadIds();
                if (warmThreads == null) {
                    warmThreads = new java.util.HashSet<>(ids);
                }
                ids.removeAll(warmThreads);
                newThreads[checkpoint] = ids.size();
                netcodeThreads[checkpoint] = Reliability.liveThreads("netcode-");
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            // the server sees the last disconnects a moment after the clients send them
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.connectedClientCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            ServerAudit audit = server.call(machine -> ServerAudit.of(machine, System.currentTimeMillis() / 1000))
                    .get(5, TimeUnit.SECONDS);
            System.out.println(fmt("CHURN cycles=%d in %.1f s (%.0f/s), lanes=%d: heap after GC %.1f / %.1f / %.1f MiB, "
                            + "threads %d / %d / %d (new since warm-up %d / %d, netcode-* %d / %d / %d) at %d / %d / %d cycles; server: connects=%d "
                            + "client disconnects=%d other=%d drops=%s; %s", started.get(), seconds, started.get() / seconds,
                    LANES, heap[0] / 1048576.0, heap[1] / 1048576.0, heap[2] / 1048576.0, threads[0], threads[1],
                    threads[2], newThreads[1], newThreads[2], netcodeThreads[0], netcodeThreads[1], netcodeThreads[2], checkpoints[0], checkpoints[1],
                    checkpoints[2], connects.get(), clientDisconnects.get(), otherDisconnects.get(),
                    server.statistics().drops(), audit.summary()));

            assertThat((long) started.get()).isEqualTo(cycles);
            assertThat(connects.get()).as("every cycle opened a session").isEqualTo(cycles);
            assertThat(clientDisconnects.get()).as("and closed it cleanly").isEqualTo(cycles);
            assertThat(otherDisconnects.get()).isZero();
            assertThat(server.statistics().drops().get(DropReason.TOKEN_HISTORY_FULL)).isZero();
            assertThat(server.statistics().drops().get(DropReason.ENCRYPTION_MAPPING_FULL)).isZero();
            assertThat(audit.problems()).isEmpty();
            assertThat(audit.connectedSlots()).isZero();
            assertThat(audit.mappingsOwned() + audit.mappingsPendingLive()).as("live mappings").isZero();
            assertThat(audit.historyPendingLive()).as("tokens left pending").isZero();
            long tolerance = Math.max(8L << 20, heap[0] / 4);
            assertThat(heap[1]).as("heap half-way vs after warm-up").isLessThan(heap[0] + tolerance);
            assertThat(heap[2]).as("heap at the end vs after warm-up").isLessThan(heap[0] + tolerance);
            // Threads of earlier tests may still wind down; what must not happen is threads piling up.
            assertThat(threads[2]).as("live threads at the end vs after warm-up").isLessThanOrEqualTo(threads[0] + 2);
            assertThat(newThreads[1]).as("threads started since warm-up and still alive, half-way").isLessThanOrEqualTo(2);
            assertThat(newThreads[2]).as("threads started since warm-up and still alive, at the end").isLessThanOrEqualTo(2);
            // the server's thread and one client per reusing lane
            assertThat(netcodeThreads).containsOnly(1 + LANES / 2);
        }
        finally {
            lanes.shutdownNow();
            for (NetcodeClient client : laneClients) {
                if (client != null) {
                    client.close();
                }
            }
            server.stop();
        }
    }

    /** Lanes with an even index reuse one client; odd lanes start (and close) a new one each cycle. */
    private final NetcodeClient[] laneClients = new NetcodeClient[LANES];
    private final Echo[] laneEchoes = new Echo[LANES];

    private void runLane(int lane, AtomicInteger started, long target, ConnectTokenGenerator tokens,
            NetcodeAddress server) throws Exception {
        boolean reuse = lane % 2 == 0;
        if (laneEchoes[lane] == null) {
            laneEchoes[lane] = new Echo();
        }
        Echo echo = laneEchoes[lane];
        while (started.getAndIncrement() < target) {
            NetcodeClient client;
            if (reuse) {
                if (laneClients[lane] == null) {
                    laneClients[lane] = NetcodeClient.start(LOCALHOST, echo);
                }
                client = laneClients[lane];
            }
            else {
                client = NetcodeClient.start(LOCALHOST, echo);
            }
            client.connect(tokens.generate(lane + 1, List.of(server), TOKEN_EXPIRY, 5, null).toBytes());
            ClientState state = client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000);
            assertThat(state).as("lane %d connects", lane).isEqualTo(ClientState.CONNECTED);
            CountDownLatch echoed = echo.expect();
            client.sendPayload(new byte[] { (byte) lane, 1, 2, 3 }, 0, 4);
            assertThat(echoed.await(5, TimeUnit.SECONDS)).as("lane %d gets its echo", lane).isTrue();
            if (reuse) {
                client.disconnect();
                assertThat(client.awaitState(s -> s == ClientState.DISCONNECTED, 5_000))
                        .isEqualTo(ClientState.DISCONNECTED);
            }
            else {
                client.close();
            }
        }
        started.decrementAndGet();
    }

    /** Counts down when a payload comes back. */
    private static final class Echo implements ClientEventHandler {

        private volatile CountDownLatch latch = new CountDownLatch(1);

        CountDownLatch expect() {
            latch = new CountDownLatch(1);
            return latch;
        }

        @Override
        public void onPayload(byte[] buf, int offset, int length, long sequence) {
            latch.countDown();
        }
    }
}
