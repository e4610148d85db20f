package dev.netcode.transport;

import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link NativeUdpTransport}, over real UDP on loopback and wildcard addresses, against
 * itself, the JDK's {@code DatagramChannel} and a {@link NetcodeServer}/{@link NetcodeClient} pair.
 */
class NativeUdpTransportTest {

    private static final long PROTOCOL_ID = 0x4E41_5449_5645L;
    private static final long RECEIVE_TIMEOUT_MILLIS = 5_000;

    private final List<Transport> opened = new ArrayList<>();

    @BeforeAll
    static void requireTheLibrary() {
        if (System.getProperty("os.name").startsWith("Linux")
                && NativeUdp.class.getResource(dev.netcode.NativeLibraries.resource(NativeUdp.LIBRARY)) != null) {
            assertThat(NativeUdpTransport.isAvailable()).as("the library this build carries loads").isTrue();
        }
        Assumptions.assumeTrue(NativeUdpTransport.isAvailable(), NativeUdpTransport::unavailabilityReason);
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Transport::close);
    }

    @Test
    void theProviderIsFoundByNameAndBindsThisTransport() {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(NativeTransportProvider.NAME)).findFirst().orElseThrow();
        assertThat(provider.isAvailable()).isTrue();
        assertThat(provider.unavailabilityReason()).isNull();
        Transport transport = provider.bind(NetcodeAddress.parse("127.0.0.1:0"), TransportOptions.defaults());
        opened.add(transport);
        assertThat(transport).isInstanceOf(NativeUdpTransport.class);
        assertThat(transport.localAddress().port()).isNotZero();
    }

    @ParameterizedTest(name = "server native on {0}, client on {1}")
    @CsvSource({ "127.0.0.1, native", "127.0.0.1, nio", "::1, native", "::1, nio" })
    void aServerOnTheNativeTransportEchoesEveryPayloadAndDisconnectsItsClientWhenItStops(String host, String client)
            throws Exception {
        boolean ipv6 = host.contains(":");
        if (ipv6) {
            assumeIpv6Loopback();
        }
        NetcodeAddress bind = NetcodeAddress.parse(ipv6 ? "[::1]:0" : "127.0.0.1:0");
        byte[] key = SecureRandomBytes.key();
        List<DisconnectReason> reasons = new ArrayList<>();
        Set<String> serverThreads = ConcurrentHashMap.newKeySet();
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                serverThreads.add(Thread.currentThread().getName());
                slot.send(buf, offset, length);
            }

            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                synchronized (reasons) {
                    reasons.add(reason);
                }
            }
        }).build();
        NativeTransportProvider provider = new NativeTransportProvider();
        NetcodeServer server = new NetcodeServer(config, () -> provider.bind(bind, TransportOptions.defaults()), 8);
        server.start();
        int payloads = 200;
        CountDownLatch echoes = new CountDownLatch(payloads);
        Set<Integer> echoed = ConcurrentHashMap.newKeySet();
        ClientEventHandler collect = new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                if (length == 3 && echoed.add((buf[offset] & 0xFF) | (buf[offset + 1] & 0xFF) << 8)) {
                    echoes.countDown();
                }
            }
        };
        Transport clientSocket = "native".equals(client) ? NativeUdpTransport.bind(bind, TransportOptions.defaults())
                : UdpTransport.bind(bind);
        try (NetcodeClient netcodeClient = NetcodeClient.start(new ClientStateMachine(clientSocket, collect, 0.0))) {
            netcodeClient.connect(new ConnectTokenGenerator(key, PROTOCOL_ID)
                    .generate(7, List.of(server.localAddress()), 60, 5, null).toBytes());
            assertThat(netcodeClient.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);

            // UDP may lose some: send each payload until its echo is back, in rounds, never more than a few.
            for (int round = 0; round < 20 && echoes.getCount() > 0; round++) {
                for (int i = 0; i < payloads; i++) {
                    if (!echoed.contains(i)) {
                        netcodeClient.sendPayload(new byte[] { (byte) i, (byte) (i >> 8), 9 }, 0, 3);
                    }
                }
                echoes.await(250, TimeUnit.MILLISECONDS);
            }
            assertThat(echoed).hasSize(payloads);
            assertThat(serverThreads).containsExactly("netcode-server-" + server.localAddress().port());

            server.stop();
            assertThat(netcodeClient.awaitState(s -> s != ClientState.CONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
            synchronized (reasons) {
                assertThat(reasons).containsExactly(DisconnectReason.SERVER_DISCONNECT);
            }
        }
        finally {
            server.stop();
        }
    }

    @Test
    void datagramsGoBothWaysWithOffsetsLengthsAndSendersRespected() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        UdpTransport jdk = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        opened.add(jdk);
        byte[] buf = new byte[64];
        for (int i = 0; i < 100; i++) {
            buf[10] = (byte) i;
            a.send(jdk.localAddress(), buf, 10, 1 + i % 40);
        }
        a.flush();
        List<Received> atJdk = receive(jdk, 100);
        for (Received r : atJdk) {
            assertThat(r.from()).isEqualTo(a.localAddress());
            assertThat(r.data()).hasSize(1 + (r.data()[0] & 0xFF) % 40);
        }
        jdk.send(a.localAddress(), bytes("one"), 0, 3);
        jdk.send(a.localAddress(), bytes("two"), 0, 3);
        List<Received> received = receive(a, 2);
        assertThat(received).containsExactly(new Received(jdk.localAddress(), bytes("one")),
                new Received(jdk.localAddress(), bytes("two")));
        // One NetcodeAddress per peer, from the cache, not one per datagram.
        assertThat(received.get(0).from()).isSameAs(received.get(1).from());
    }

    @Test
    void twoIpv6LoopbackTransportsExchangeDatagrams() throws Exception {
        assumeIpv6Loopback();
        NativeUdpTransport a = bind("[::1]:0");
        NativeUdpTransport b = bind("[::1]:0");
        a.send(b.localAddress(), bytes("ping6"), 0, 5);
        a.flush();
        assertThat(receive(b, 1)).containsExactly(new Received(a.localAddress(), bytes("ping6")));
    }

    @Test
    void theDualStackWildcardReceivesFromIpv4AsPlainIpv4AndCanReply() throws Exception {
        assumeIpv6Loopback();
        NativeUdpTransport server = bind("[::]:0");
        NativeUdpTransport client = bind("127.0.0.1:0");
        assertThat(server.isDualStack()).isTrue();
        NetcodeAddress serverV4 = NetcodeAddress.parse("127.0.0.1:" + server.localAddress().port());
        client.send(serverV4, bytes("hello"), 0, 5);
        client.flush();
        List<Received> atServer = receive(server, 1);
        assertThat(atServer).containsExactly(new Received(client.localAddress(), bytes("hello")));
        server.send(atServer.get(0).from(), bytes("welcome"), 0, 7);
        server.flush();
        assertThat(receive(client, 1)).containsExactly(new Received(serverV4, bytes("welcome")));
    }

    @Test
    void anOversizeDatagramIsTruncatedToTheReceiveBufferAndCounted() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        byte[] big = new byte[2000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        try (DatagramChannel jdk = DatagramChannel.open(StandardProtocolFamily.INET)) {
            jdk.send(ByteBuffer.wrap(big), toInet(a.localAddress()));
            jdk.send(ByteBuffer.wrap(bytes("small")), toInet(a.localAddress()));
        }
        List<Received> received = receive(a, 2);
        assertThat(received.get(0).data()).isEqualTo(Arrays.copyOf(big, UdpTransport.RECEIVE_BUFFER_BYTES));
        assertThat(received.get(1).data()).isEqualTo(bytes("small"));
        assertThat(a.truncatedDatagrams()).isEqualTo(1);
    }

    @Test
    void anIpv6DestinationOnAnIpv4SocketIsCountedAndTheRestOfTheBatchStillGoes() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        NativeUdpTransport b = bind("127.0.0.1:0");
        a.send(b.localAddress(), bytes("before"), 0, 6);
        a.send(NetcodeAddress.parse("[::1]:40000"), bytes("v6"), 0, 2);
        a.send(b.localAddress(), bytes("after"), 0, 5);
        a.send(b.localAddress(), new byte[UdpTransport.RECEIVE_BUFFER_BYTES + 1], 0, UdpTransport.RECEIVE_BUFFER_BYTES + 1);
        a.flush();
        assertThat(a.sendErrors()).isEqualTo(2);
        assertThat(receive(b, 2)).containsExactly(new Received(a.localAddress(), bytes("before")),
                new Received(a.localAddress(), bytes("after")));
    }

    @Test
    void aFullStagingBufferIsFlushedWithoutWaitingForFlush() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        NativeUdpTransport b = bind("127.0.0.1:0");
        for (int i = 0; i < NativeUdpTransport.STAGING_SLOTS - 1; i++) {
            a.send(b.localAddress(), new byte[] { (byte) i }, 0, 1);
        }
        // Loopback delivers within the sending call: anything sent would already be queued at b.
        assertThat(b.receive((from, buf, offset, length) -> { }, 1_000)).isZero();
        a.send(b.localAddress(), new byte[] { (byte) (NativeUdpTransport.STAGING_SLOTS - 1) }, 0, 1);
        List<Received> received = receive(b, NativeUdpTransport.STAGING_SLOTS);
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i).data()).containsExactly((byte) i);
        }
        a.flush();
        assertThat(b.receive((from, buf, offset, length) -> { }, 1_000)).as("nothing left to flush").isZero();
    }

    @Test
    void closeWakesAWaiterAndThenReleasesThePort() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                waiting.countDown();
                a.awaitDatagram(60_000);
            }
            catch (Throwable ex) {
                failure.set(ex);
            }
        });
        waiter.start();
        waiting.await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!inNativeWait(waiter) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(inNativeWait(waiter)).as("the waiter is in poll").isTrue();
        a.close();
        waiter.join(5_000);
        assertThat(waiter.isAlive()).as("the waiter returned").isFalse();
        assertThat(failure.get()).isNull();
        // The socket is really closed: its port can be bound again.
        try (DatagramChannel again = DatagramChannel.open(StandardProtocolFamily.INET)) {
            again.bind(toInet(a.localAddress()));
        }
        a.send(NetcodeAddress.parse("127.0.0.1:9"), bytes("x"), 0, 1);
        a.flush();
        a.wakeup();
        a.close();
        assertThat(a.receive((from, buf, offset, length) -> { }, 10)).isZero();
        a.awaitDatagram(10_000);
    }

    @Test
    void wakeupEndsAWaitFromAnotherThread() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        Thread waiter = new Thread(() -> {
            try {
                a.awaitDatagram(60_000);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!inNativeWait(waiter) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(inNativeWait(waiter)).as("the waiter is in poll").isTrue();
        a.wakeup();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).as("the waiter returned long before its 60 s").isFalse();
    }

    @Test
    void reportsTheRequestedAndTheAcceptedSocketBufferSizesAsUdpTransportDoes() {
        NativeUdpTransport a = bind("127.0.0.1:0");
        UdpTransport jdk = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        opened.add(jdk);
        assertThat(a.socketBuffers()).isEqualTo(jdk.socketBuffers());
        assertThatThrownBy(() -> NativeUdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"), new TransportOptions(10, false, Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 10");
    }

    @Test
    void twoSocketsShareAPortWithReusePortAndWithoutItTheSecondFailsNamingTheAddress() {
        NativeUdpTransport first = NativeUdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"),
                TransportOptions.defaults().withReusePort(true));
        opened.add(first);
        NativeUdpTransport second = NativeUdpTransport.bind(first.localAddress(), TransportOptions.defaults().withReusePort(true));
        opened.add(second);
        assertThat(second.localAddress()).isEqualTo(first.localAddress());
        assertThatThrownBy(() -> NativeUdpTransport.bind(first.localAddress(), TransportOptions.defaults()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(first.localAddress().toString())
                .hasMessageContaining("in use")
                // As on the JDK transport: the starter's start-up failure analysis tells a port in use by this type.
                .hasCauseInstanceOf(java.net.BindException.class);
    }

    @Test
    void receivingAndSendingAllocateNothingPerDatagramOnceWarm() throws Exception {
        NativeUdpTransport a = bind("127.0.0.1:0");
        NativeUdpTransport b = bind("127.0.0.1:0");
        byte[] payload = new byte[200];
        long[] received = new long[1];
        Transport.DatagramHandler count = (from, buf, offset, length) -> received[0]++;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long allocated = 0;
        long measured = 0;
        for (int round = 0; round < 400; round++) {
            boolean measuring = round >= 200;
            long before = threads.getThreadAllocatedBytes(thread);
            long receivedBefore = received[0];
            for (int i = 0; i < 32; i++) {
                a.send(b.localAddress(), payload, 0, payload.length);
            }
            a.flush();
            b.awaitDatagram(100);
            b.receive(count, 64);
            long after = threads.getThreadAllocatedBytes(thread);
            if (measuring) {
                allocated += after - before;
                measured += received[0] - receivedBefore;
            }
        }
        assertThat(measured).isPositive();
        assertThat((double) allocated / measured).as("bytes allocated per datagram sent and received").isLessThan(1.0);
    }

    private NativeUdpTransport bind(String address) {
        NativeUdpTransport transport = NativeUdpTransport.bind(NetcodeAddress.parse(address), TransportOptions.defaults());
        opened.add(transport);
        return transport;
    }

    private static List<Received> receive(Transport transport, int count) throws InterruptedException {
        List<Received> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECEIVE_TIMEOUT_MILLIS);
        while (received.size() < count) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                break;
            }
            transport.awaitDatagram(Math.min(remainingMillis, 100));
            transport.receive((from, buf, offset, length) -> received.add(new Received(from, Arrays.copyOfRange(buf, offset,
                    offset + length))), count - received.size());
        }
        assertThat(received).as("datagrams received by %s", transport).hasSize(count);
        return received;
    }

    private static boolean inNativeWait(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().equals(NativeUdp.class.getName())
                && stack[0].getMethodName().equals("await");
    }

    private static InetSocketAddress toInet(NetcodeAddress address) {
        return address.toInetSocketAddress();
    }

    private static void assumeIpv6Loopback() {
        try {
            UdpTransport.bind(NetcodeAddress.parse("[::1]:0")).close();
        }
        catch (UncheckedIOException ex) {
            Assumptions.abort("no IPv6 loopback here: " + ex.getMessage());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
