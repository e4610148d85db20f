package dev.netcode.transport.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.UdpTransport;
import dev.netcode.transport.UpdateLoop;

/**
 * {@link EpollTransport} reuses its outgoing datagrams: one must never be refilled while Netty still
 * holds it, and each must go to the destination of the send that filled it. Real UDP on loopback,
 * received by plain sockets; UDP may drop, so what is checked is that every datagram that arrives is
 * intact and at the right place, and that sends keep arriving after the pool has been reused many times.
 */
class EpollTransportSendTest {

    private static final int ROUNDS = 40;
    private static final int SENDS_PER_ROUND = 120;

    @BeforeAll
    static void requireEpoll() {
        assumeTrue(EpollTransport.isAvailable(), "native epoll not available here");
    }

    /** Send {@code sequence} to receiver {@code target}: its index, the sequence, then bytes derived from both. */
    private static byte[] datagram(int target, int sequence, int length) {
        byte[] bytes = new byte[length];
        bytes[0] = (byte) target;
        Bytes.writeU32(bytes, 1, sequence);
        for (int i = 5; i < length; i++) {
            bytes[i] = (byte) (sequence * 31 + i + target);
        }
        return bytes;
    }

    private static int lengthOf(int sequence) {
        // Varying lengths, so a refilled buffer with a stale tail would show.
        return 5 + sequence % 200;
    }

    /** Everything waiting at {@code socket}, each checked against what was sent to it. */
    private static int drain(DatagramSocket socket, int target, BitSet seen) throws Exception {
        int received = 0;
        byte[] buffer = new byte[4096];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            }
            catch (SocketTimeoutException ex) {
                return received;
            }
            byte[] got = Arrays.copyOf(buffer, packet.getLength());
            int sequence = Bytes.readU32(got, 1);
            assertThat(got[0]).as("datagram %d arrived at receiver %d", sequence, target).isEqualTo((byte) target);
            int expectedLength = sequence >= 1_000_000 ? 2_000 : lengthOf(sequence);
            assertThat(got).as("datagram %d", sequence).isEqualTo(datagram(target, sequence, expectedLength));
            seen.set(sequence % 1_000_000);
            received++;
        }
    }

    private static void onLoop(UpdateLoop loop, Runnable sends) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            sends.run();
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void reusedOutgoingDatagramsCarryEachSendsBytesToItsOwnDestination() throws Exception {
        EpollTransport transport = EpollTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        UpdateLoop loop = transport.newLoop("epoll-send-test", 0.0, now -> {
        }, () -> Double.POSITIVE_INFINITY, transport::close);
        List<DatagramSocket> receivers = new ArrayList<>();
        try {
            loop.start();
            NetcodeAddress[] targets = new NetcodeAddress[2];
            BitSet[] seen = { new BitSet(), new BitSet() };
            for (int r = 0; r < 2; r++) {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                socket.setSoTimeout(50);
                socket.setReceiveBufferSize(4 * 1024 * 1024);
                receivers.add(socket);
                targets[r] = NetcodeAddress.parse("127.0.0.1:" + socket.getLocalPort());
            }
            int[] received = new int[2];
            for (int round = 0; round < ROUNDS; round++) {
                int first = round * SENDS_PER_ROUND;
                // One command: its sends go out in one flush, destinations alternating.
                onLoop(loop, () -> {
                    for (int s = first; s < first + SENDS_PER_ROUND; s++) {
                        byte[] bytes = datagram(s % 2, s, lengthOf(s));
                        transport.send(targets[s % 2], bytes, 0, bytes.length);
                    }
                });
                for (int r = 0; r < 2; r++) {
                    received[r] += drain(receivers.get(r), r, seen[r]);
                }
            }
            // More sends in one go than the pool holds (one-off datagrams beyond it), and one larger than any netcode packet.
            int many = ROUNDS * SENDS_PER_ROUND;
            onLoop(loop, () -> {
                for (int s = many; s < many + 2 * EpollTransport.POOLED_SENDS; s += 2) {
                    byte[] bytes = datagram(0, s, lengthOf(s));
                    transport.send(targets[0], bytes, 0, bytes.length);
                }
                byte[] big = datagram(1, 1_000_000 + 1, 2_000);
                transport.send(targets[1], big, 0, big.length);
            });
            for (int r = 0; r < 2; r++) {
                received[r] += drain(receivers.get(r), r, seen[r]);
            }

            // UDP may drop some on a busy machine, but the pool's reuse must not stop the traffic.
            assertThat(seen[0].get(0, many).cardinality()).as("sends to receiver 0 that arrived")
                    .isGreaterThan(many / 4);
            assertThat(seen[1].get(0, many).cardinality()).as("sends to receiver 1 that arrived")
                    .isGreaterThan(many / 4);
            assertThat(seen[0].get(many, many + 2 * EpollTransport.POOLED_SENDS).cardinality())
                    .as("sends beyond the pool that arrived").isPositive();
            assertThat(transport.sendErrors()).isZero();
        }
        finally {
            loop.stop(5_000);
            receivers.forEach(DatagramSocket::close);
        }
    }

    /** As on the other transports: a datagram longer than the receive buffer is handed over cut to it, so the reader rejects it. */
    @Test
    void anOversizeDatagramIsHandedOverCutToTheReceiveBuffer() throws Exception {
        EpollTransport transport = EpollTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        List<Integer> lengths = new CopyOnWriteArrayList<>();
        UpdateLoop loop = transport.newLoop("epoll-truncation-test", 0.0,
                now -> transport.receive((from, buf, offset, length) -> lengths.add(length), 64),
                () -> Double.POSITIVE_INFINITY, transport::close);
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            loop.start();
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", transport.localAddress().port());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // UDP may drop: send again until one has arrived.
            while (lengths.isEmpty() && System.nanoTime() < deadline) {
                sender.send(new DatagramPacket(new byte[2_000], 2_000, target));
                waitUntil(() -> !lengths.isEmpty(), 200);
            }
            assertThat(lengths).isNotEmpty().containsOnly(UdpTransport.RECEIVE_BUFFER_BYTES);
        }
        finally {
            loop.stop(5_000);
        }
    }

    /** As on the other transports: a send the socket cannot make is counted, and the rest of the batch still goes. */
    @Test
    void anIpv6DestinationOnAnIpv4SocketIsCountedAndTheRestOfTheBatchStillGoes() throws Exception {
        EpollTransport transport = EpollTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        UpdateLoop loop = transport.newLoop("epoll-wrong-family-test", 0.0, now -> {
        }, () -> Double.POSITIVE_INFINITY, transport::close);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(200);
            loop.start();
            NetcodeAddress good = NetcodeAddress.parse("127.0.0.1:" + receiver.getLocalPort());
            BitSet seen = new BitSet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int sequence = 0;
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                int s = sequence++;
                onLoop(loop, () -> {
                    byte[] wrong = datagram(0, s, lengthOf(s));
                    transport.send(NetcodeAddress.parse("[::1]:9"), wrong, 0, wrong.length);
                    byte[] right = datagram(0, s, lengthOf(s));
                    transport.send(good, right, 0, right.length);
                });
                drain(receiver, 0, seen);
            }
            assertThat(seen.isEmpty()).as("the IPv4 send after the IPv6 one arrived").isFalse();
            waitUntil(() -> transport.sendErrors() >= 1, 5_000);
            assertThat(transport.sendErrors()).as("failed sends counted").isBetween(1L, (long) sequence);
        }
        finally {
            loop.stop(5_000);
        }
    }

    private static void waitUntil(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
