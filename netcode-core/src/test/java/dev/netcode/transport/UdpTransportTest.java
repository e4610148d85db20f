package dev.netcode.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests for {@link UdpTransport}, on loopback and wildcard addresses only. */
class UdpTransportTest {

    private static final long RECEIVE_TIMEOUT_MILLIS = 5_000;

    private final List<UdpTransport> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(UdpTransport::close);
    }

    @Test
    void twoIpv4TransportsOnEphemeralPortsExchangeDatagrams() throws Exception {
        UdpTransport a = bind("127.0.0.1:0");
        UdpTransport b = bind("127.0.0.1:0");
        assertThat(a.localAddress().port()).isNotZero();
        assertThat(a.localAddress()).isNotEqualTo(b.localAddress()).isEqualTo(NetcodeAddress.parse("127.0.0.1:" + a.localAddress().port()));
        assertThat(a.isDualStack()).isFalse();

        a.send(b.localAddress(), bytes("ping"), 0, 4);
        List<Received> atB = receive(b, 1);
        assertThat(atB).containsExactly(new Received(a.localAddress(), bytes("ping")));

        b.send(atB.get(0).from(), bytes("pong"), 0, 4);
        assertThat(receive(a, 1)).containsExactly(new Received(b.localAddress(), bytes("pong")));
    }

    @Test
    void reportsTheRequestedAndTheGrantedSocketBufferSizesAsGetOptionDoes() throws Exception {
        UdpTransport transport = bind("127.0.0.1:0");

        SocketBufferSizes buffers = transport.socketBuffers();
        assertThat(buffers.requestedBytes()).isEqualTo(UdpTransport.SOCKET_BUFFER_BYTES);
        assertThat(buffers.receiveBytes()).isPositive().isEqualTo(transport.receiveBufferBytes())
                .isEqualTo(grantedFor(StandardSocketOptions.SO_RCVBUF, UdpTransport.SOCKET_BUFFER_BYTES));
        assertThat(buffers.sendBytes()).isPositive().isEqualTo(transport.sendBufferBytes())
                .isEqualTo(grantedFor(StandardSocketOptions.SO_SNDBUF, UdpTransport.SOCKET_BUFFER_BYTES));
    }

    @Test
    void asksForTheConfiguredSocketBufferSize() throws Exception {
        int requested = 64 * 1024;
        long receiveLimit = sysctl("rmem_max");
        assumeTrue(receiveLimit < 0 || receiveLimit > requested, "the kernel's rmem_max is above the size asked for");
        UdpTransport transport = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"), requested);
        opened.add(transport);

        assertThat(transport.socketBuffers().requestedBytes()).isEqualTo(requested);
        assertThat(transport.receiveBufferBytes()).isEqualTo(grantedFor(StandardSocketOptions.SO_RCVBUF, requested))
                .isNotEqualTo(grantedFor(StandardSocketOptions.SO_RCVBUF, UdpTransport.SOCKET_BUFFER_BYTES));
        assertThat(transport.sendBufferBytes()).isEqualTo(grantedFor(StandardSocketOptions.SO_SNDBUF, requested));
    }

    @Test
    void aSizeAboveTheOsLimitIsReportedAsWhatTheOsGranted() throws Exception {
        int requested = UdpTransport.MAX_REQUESTED_SOCKET_BUFFER_BYTES;
        long receiveLimit = sysctl("rmem_max");
        assumeTrue(receiveLimit >= 0 && receiveLimit < requested, "a Linux kernel whose rmem_max is below 1 GiB");
        UdpTransport transport = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"), requested);
        opened.add(transport);

        assertThat(transport.socketBuffers().requestedBytes()).isEqualTo(requested);
        assertThat(transport.receiveBufferBytes()).isEqualTo(grantedFor(StandardSocketOptions.SO_RCVBUF, requested))
                .isLessThan(requested);
    }

    @Test
    void refusesASocketBufferSizeOutsideItsRange() {
        NetcodeAddress address = NetcodeAddress.parse("127.0.0.1:0");
        assertThatThrownBy(() -> UdpTransport.bind(address, NetcodeProtocol.MAX_PACKET_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1299");
        assertThatThrownBy(() -> UdpTransport.bind(address, UdpTransport.MAX_REQUESTED_SOCKET_BUFFER_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** What the OS reports for {@code option} on a fresh UDP socket after asking for {@code size}. */
    private static int grantedFor(SocketOption<Integer> option, int size) throws IOException {
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(option, size);
            return channel.getOption(option);
        }
    }

    /** A Linux {@code net.core} sysctl, or -1 where there is none. */
    private static long sysctl(String name) throws IOException {
        Path path = Path.of("/proc/sys/net/core", name);
        if (!Files.isReadable(path)) {
            return -1;
        }
        // Not Files.readString: it sizes its read by the file size, which procfs reports as 0.
        try (var in = Files.newInputStream(path)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    @Test
    void aBurstOfDatagramsArrivesWithOffsetsAndLengthsRespected() throws Exception {
        UdpTransport a = bind("127.0.0.1:0");
        UdpTransport b = bind("127.0.0.1:0");
        byte[] buf = new byte[64];
        for (int i = 0; i < 200; i++) {
            buf[10] = (byte) i;
            buf[11] = (byte) (i >> 8);
            a.send(b.localAddress(), buf, 10, 2 + i % 40);
        }
        List<Received> received = receive(b, 200);
        assertThat(received).hasSize(200);
        for (Received r : received) {
            int i = (r.data()[0] & 0xFF) | (r.data()[1] & 0xFF) << 8;
            assertThat(r.data()).hasSize(2 + i % 40);
        }
        assertThat(a.sendErrors()).isZero();
    }

    @Test
    void twoIpv6LoopbackTransportsExchangeDatagrams() throws Exception {
        UdpTransport a = bindOrSkip("[::1]:0");
        UdpTransport b = bind("[::1]:0");
        assertThat(a.localAddress().isIpv6()).isTrue();
        assertThat(a.isDualStack()).isFalse();

        a.send(b.localAddress(), bytes("ping6"), 0, 5);
        assertThat(receive(b, 1)).containsExactly(new Received(a.localAddress(), bytes("ping6")));
        b.send(a.localAddress(), bytes("pong6"), 0, 5);
        assertThat(receive(a, 1)).containsExactly(new Received(b.localAddress(), bytes("pong6")));
    }

    @Test
    void dualStackWildcardReceivesFromIpv4AsPlainIpv4AndCanReply() throws Exception {
        UdpTransport server = bindOrSkip("[::]:0");
        assertThat(server.isDualStack()).isTrue();
        assertThat(server.localAddress()).isEqualTo(NetcodeAddress.parse("[::]:" + server.localAddress().port()));
        assertThat(server.localAddress().port()).isNotZero();
        UdpTransport client = bind("127.0.0.1:0");

        client.send(NetcodeAddress.parse("127.0.0.1:" + server.localAddress().port()), bytes("hello"), 0, 5);
        List<Received> atServer = receive(server, 1);
        assertThat(atServer).containsExactly(new Received(client.localAddress(), bytes("hello")));
        assertThat(atServer.get(0).from().type()).isEqualTo(NetcodeAddress.TYPE_IPV4);

        server.send(atServer.get(0).from(), bytes("welcome"), 0, 7);
        assertThat(receive(client, 1))
                .containsExactly(new Received(NetcodeAddress.parse("127.0.0.1:" + server.localAddress().port()), bytes("welcome")));
        assertThat(server.sendErrors()).isZero();
    }

    @Test
    void dualStackWildcardAlsoServesIpv6() throws Exception {
        UdpTransport server = bindOrSkip("[::]:0");
        UdpTransport client = bindOrSkip("[::1]:0");

        client.send(NetcodeAddress.parse("[::1]:" + server.localAddress().port()), bytes("v6"), 0, 2);
        List<Received> atServer = receive(server, 1);
        assertThat(atServer).containsExactly(new Received(client.localAddress(), bytes("v6")));
        server.send(atServer.get(0).from(), bytes("ok"), 0, 2);
        assertThat(receive(client, 1)).hasSize(1);
    }

    @Test
    void sendingToAPortNobodyListensOnNeitherThrowsNorBreaksLaterReceives() throws Exception {
        UdpTransport a = bind("127.0.0.1:0");
        UdpTransport b = bind("127.0.0.1:0");
        UdpTransport gone = bind("127.0.0.1:0");
        NetcodeAddress nobody = gone.localAddress();
        gone.close();

        for (int i = 0; i < 5; i++) {
            assertThatCode(() -> a.send(nobody, bytes("lost"), 0, 4)).doesNotThrowAnyException();
        }
        // Whatever ICMP errors the OS reports on a's socket must read as "no datagram".
        assertThatCode(() -> a.receive((from, buf, offset, length) -> { }, 10)).doesNotThrowAnyException();

        b.send(a.localAddress(), bytes("still here"), 0, 10);
        assertThat(receive(a, 1)).containsExactly(new Received(b.localAddress(), bytes("still here")));
    }

    @Test
    void undeliverableDestinationsAreCountedNotThrown() {
        UdpTransport a = bind("127.0.0.1:0");
        assertThatCode(() -> {
            a.send(NetcodeAddress.parse("[::1]:40000"), bytes("x"), 0, 1);
            a.send(NetcodeAddress.parse("127.0.0.1:0"), bytes("x"), 0, 1);
        }).doesNotThrowAnyException();
        assertThat(a.sendErrors()).isEqualTo(2);
    }

    @Test
    void oversizedDatagramsArriveLongerThanAnyNetcodePacket() throws Exception {
        UdpTransport a = bind("127.0.0.1:0");
        UdpTransport b = bind("127.0.0.1:0");
        byte[] big = new byte[3000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }

        a.send(b.localAddress(), big, 0, 1400);
        List<Received> first = receive(b, 1);
        assertThat(first.get(0).data()).isEqualTo(Arrays.copyOf(big, 1400));

        a.send(b.localAddress(), big, 0, 3000);
        List<Received> second = receive(b, 1);
        assertThat(second.get(0).data())
                .hasSize(UdpTransport.RECEIVE_BUFFER_BYTES)
                .isEqualTo(Arrays.copyOf(big, UdpTransport.RECEIVE_BUFFER_BYTES));
        assertThat(UdpTransport.RECEIVE_BUFFER_BYTES).isGreaterThan(NetcodeProtocol.MAX_PACKET_BYTES);
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsHarmless() throws Exception {
        UdpTransport a = bind("127.0.0.1:0");
        UdpTransport b = bind("127.0.0.1:0");
        b.send(a.localAddress(), bytes("queued"), 0, 6);

        a.close();
        a.close();
        assertThatCode(() -> a.send(b.localAddress(), bytes("x"), 0, 1)).doesNotThrowAnyException();
        assertThat(a.sendErrors()).isZero();
        assertThat(a.receive((from, buf, offset, length) -> { }, 10)).isZero();
        long start = System.nanoTime();
        a.awaitDatagram(2_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        a.wakeup();
        assertThat(b.receive((from, buf, offset, length) -> { }, 10)).isZero();
    }

    @Test
    void wakeupEndsAWaitFromAnotherThread() throws Exception {
        UdpTransport a = bind("127.0.0.1:0");
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            try {
                a.awaitDatagram(30_000);
            }
            catch (InterruptedException ex) {
                return;
            }
            woken.countDown();
        });
        waiter.start();
        assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
        // A wakeup before the waiter reaches select() makes that select() return at once.
        a.wakeup();
        assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
        waiter.join(5_000);
    }

    @Test
    void awaitDatagramReportsAnInterruptAndClearsTheFlag() {
        UdpTransport a = bind("127.0.0.1:0");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> a.awaitDatagram(5_000)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void bindingAPortInUseFailsWithTheAddressInTheMessage() {
        UdpTransport a = bind("127.0.0.1:0");
        assertThatThrownBy(() -> UdpTransport.bind(a.localAddress()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(a.localAddress().toString());
    }

    private UdpTransport bind(String address) {
        UdpTransport transport = UdpTransport.bind(NetcodeAddress.parse(address));
        opened.add(transport);
        return transport;
    }

    private UdpTransport bindOrSkip(String address) {
        try {
            return bind(address);
        }
        catch (UncheckedIOException ex) {
            assumeTrue(false, "IPv6 unavailable here, cannot bind " + address + ": " + ex.getMessage());
            throw ex;
        }
    }

    /** Receives until {@code count} datagrams have arrived or the timeout passes. */
    private static List<Received> receive(Transport transport, int count) throws InterruptedException {
        List<Received> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECEIVE_TIMEOUT_MILLIS);
        while (received.size() < count) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                break;
            }
            transport.awaitDatagram(Math.min(remainingMillis, 100));
            transport.receive((from, buf, offset, length) -> received.add(new Received(from, Arrays.copyOfRange(buf, offset, offset + length))),
                    count - received.size());
        }
        assertThat(received).as("datagrams received by %s", transport).hasSize(count);
        return received;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
