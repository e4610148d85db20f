package dev.netcode.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.Transport;
import dev.netcode.transport.UdpTransport;
import dev.netcode.transport.UpdateLoop;
import dev.netcode.transport.epoll.EpollTransport;

/**
 * Bytes the server's thread allocates per packet on the real UDP path, which JMH cannot see: an
 * echo server ({@link ServerStateMachine} on a {@link UdpTransport} bound to 127.0.0.1) and M
 * clients (each on its own {@code UdpTransport}), all driven from this one thread. Each round every
 * client sends one payload; then one {@code server.update} receives them all, decrypts, dispatches
 * and echoes each (encrypt, send), and only that call is measured with
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}; then the clients read
 * their echoes. The first half of the rounds warms up the JIT and is not counted.
 *
 * <p>With {@code epoll} as the fourth argument the server runs on {@link EpollTransport} instead,
 * driven by its own event loop (as {@code NetcodeServer} runs it): each round the clients send, the
 * event loop reads the batch and updates the server, and the probe waits for the echoes. What is
 * counted there is everything the event-loop thread allocates during the measured half (Netty's
 * reads and writes included), per echoed payload.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.netcode.benchmarks.UdpAllocationProbe [clients=64]
 * [rounds=4000] [payload-bytes=100] [nio|epoll]}; prints one line:
 * {@code udp-alloc transport=T clients=M packets=N bytes_per_packet=X}, where a packet is one payload
 * received and echoed.
 */
public final class UdpAllocationProbe {

    private UdpAllocationProbe() {
    }

    private static boolean allConnected(List<ClientStateMachine> members) {
        return members.stream().allMatch(c -> c.state() == ClientState.CONNECTED);
    }

    public static void main(String[] args) throws InterruptedException {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int payloadBytes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        boolean epoll = args.length > 3 && args[3].equals("epoll");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        AtomicLong echoed = new AtomicLong();
        ServerEventHandler echo = new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                slot.send(buf, offset, length);
                echoed.incrementAndGet();
            }
        };
        NetcodeAddress bindAddress = NetcodeAddress.parse("127.0.0.1:0");
        Transport serverTransport = epoll ? EpollTransport.bind(bindAddress) : UdpTransport.bind(bindAddress);
        NetcodeAddress serverAddress = serverTransport.localAddress();
        ServerConfig config = ServerConfig.builder(Fixtures.PROTOCOL_ID, Fixtures.PRIVATE_KEY)
                .unixClock(() -> Fixtures.UNIX_TIME).eventHandler(echo).build();
        ConnectTokenGenerator tokens = Fixtures.tokens();
        double t = 0.0;
        List<ClientStateMachine> members = new ArrayList<>();
        ServerStateMachine server = new ServerStateMachine(config, serverTransport, t);
        UpdateLoop loop = null;
        long loopThreadId = -1;
        try {
            server.start(clients);
            if (epoll) {
                loop = serverTransport.newLoop("netcode-server-probe", 0.0, server::update, server::nextUpdateTime,
                        server::close);
                loop.start();
                long[] id = new long[1];
                CountDownLatch asked = new CountDownLatch(1);
                loop.execute(() -> {
                    id[0] = Thread.currentThread().getId();
                    asked.countDown();
                });
                asked.await();
                loopThreadId = id[0];
            }
            for (int i = 0; i < clients; i++) {
                ClientStateMachine client = new ClientStateMachine(UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0")), t);
                client.connect(tokens.generate(i + 1, List.of(serverAddress), 300, 15, null));
                members.add(client);
            }
            for (int i = 0; i < 500 && !allConnected(members); i++) {
                t += 0.01;
                for (ClientStateMachine client : members) {
                    client.update(t);
                }
                Thread.sleep(1);
                if (!epoll) {
                    server.update(t);
                }
                Thread.sleep(1);
            }
            if (!allConnected(members)) {
                throw new IllegalStateException("only some of " + clients + " clients connected");
            }

            byte[] payload = new byte[payloadBytes];
            long allocated = 0;
            long counted = 0;
            long loopAllocatedAtHalf = 0;
            long echoedAtHalf = 0;
            for (int round = 0; round < rounds; round++) {
                t += 0.001;
                if (epoll && round == rounds / 2) {
                    loopAllocatedAtHalf = threads.getThreadAllocatedBytes(loopThreadId);
                    echoedAtHalf = echoed.get();
                }
                long echoedBefore = echoed.get();
                for (ClientStateMachine client : members) {
                    client.sendPayload(payload);
                }
                if (epoll) {
                    // The event loop reads and echoes by itself; wait for this round's echoes (UDP may lose some).
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                    while (echoed.get() < echoedBefore + clients && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                }
                else {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    server.update(t);
                    long after = threads.getCurrentThreadAllocatedBytes();
                    if (round >= rounds / 2) {
                        allocated += after - before;
                        counted += echoed.get() - echoedBefore;
                    }
                }
                for (ClientStateMachine client : members) {
                    client.update(t);
                }
            }
            if (epoll) {
                allocated = threads.getThreadAllocatedBytes(loopThreadId) - loopAllocatedAtHalf;
                counted = echoed.get() - echoedAtHalf;
            }
            System.out.printf(Locale.ROOT,
                    "udp-alloc transport=%s clients=%d payload_bytes=%d packets=%d bytes_per_packet=%.2f%n",
                    epoll ? "epoll" : "nio", clients, payloadBytes, counted,
                    counted == 0 ? Double.NaN : (double) allocated / counted);
        }
        finally {
            members.forEach(ClientStateMachine::close);
            if (loop != null) {
                loop.stop(5_000);
            }
            else {
                server.close();
            }
        }
    }
}
