package dev.netcode.transport.epoll;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
import dev.netcode.transport.SocketBufferSizes;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link NetcodeServer} on the epoll transport against a {@link NetcodeClient} on either
 * transport, over real UDP on loopback: connect, echo, server-side stop. Every echo goes through
 * the batched read, the state machine on the event loop and the flush at the end of the update.
 */
class EpollTransportTest {

    private static final long PROTOCOL_ID = 0x4550_4F4C_4C31L;
    private static final int ECHOES = 200;
    private static final NetcodeAddress LOCALHOST_ANY_PORT = NetcodeAddress.parse("127.0.0.1:0");

    private final byte[] key = SecureRandomBytes.key();

    @BeforeAll
    static void requireEpoll() {
        Assumptions.assumeTrue(EpollTransport.isAvailable(), () -> "no native epoll here: " + EpollTransport.unavailabilityCause());
    }

    @ParameterizedTest(name = "server {0}, client {1} on {2}")
    @CsvSource({ "127.0.0.1:0, 127.0.0.1:0, epoll", "127.0.0.1:0, 127.0.0.1:0, nio", "[::1]:0, [::1]:0, epoll",
            "[::1]:0, [::1]:0, nio" })
    void serverOnEpollEchoesEveryPayloadAndDisconnectsItsClientWhenItStops(String serverBind, String clientBind,
            String clientTransport) throws Exception {
        if (serverBind.startsWith("[") || clientBind.startsWith("[")) {
            assumeIpv6Loopback();
        }
        List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
        Set<String> serverThreads = ConcurrentHashMap.newKeySet();
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                serverThreads.add(Thread.currentThread().getName());
                slot.send(buf, offset, length);
            }

            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                reasons.add(reason);
            }
        }).build();
        NetcodeServer server = new NetcodeServer(config, () -> EpollTransport.bind(NetcodeAddress.parse(serverBind)), 8);
        server.start();
        CountDownLatch echoes = new CountDownLatch(ECHOES);
        Set<Integer> echoed = ConcurrentHashMap.newKeySet();
        ClientEventHandler collect = new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                if (length == 3 && echoed.add((buf[offset] & 0xFF) | (buf[offset + 1] & 0xFF) << 8)) {
                    echoes.countDown();
                }
            }
        };
        NetcodeAddress serverAddress = NetcodeAddress.parse((clientBind.startsWith("[") ? "[::1]:" : "127.0.0.1:")
                + server.localAddress().port());
        Transport clientSocket = "epoll".equals(clientTransport) ? EpollTransport.bind(NetcodeAddress.parse(clientBind))
                : UdpTransport.bind(NetcodeAddress.parse(clientBind));
        try (NetcodeClient client = NetcodeClient.start(new ClientStateMachine(clientSocket, collect, 0.0))) {
            client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID).generate(7, List.of(serverAddress), 60, 5, null)
                    .toBytes());
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);

            // UDP may lose some; send each payload until its echo is back, in rounds, never more than a few.
            for (int round = 0; round < 20 && echoes.getCount() > 0; round++) {
                for (int i = 0; i < ECHOES; i++) {
                    if (!echoed.contains(i)) {
                        client.sendPayload(new byte[] { (byte) i, (byte) (i >> 8), 9 }, 0, 3);
                    }
                }
                echoes.await(250, TimeUnit.MILLISECONDS);
            }
            assertThat(echoed).hasSize(ECHOES);
            assertThat(serverThreads).containsExactly("netcode-server-" + server.localAddress().port());
            assertThat(server.snapshot().clients()).singleElement()
                    .satisfies(c -> assertThat(c.packetsSent()).isGreaterThanOrEqualTo(ECHOES));

            server.stop();
            assertThat(client.awaitState(s -> s != ClientState.CONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
            assertThat(reasons).containsExactly(DisconnectReason.SERVER_DISCONNECT);
            assertThat(server.isRunning()).isFalse();
        }
        finally {
            server.stop();
        }
    }

    /** A server can start again after a stop: every start binds a fresh epoll transport and event loop. */
    @Test
    void serverStartsAgainAfterStopOnAFreshEventLoop() {
        NetcodeServer server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, key).build(),
                () -> EpollTransport.bind(NetcodeAddress.parse("127.0.0.1:0")), 2);
        try {
            server.start();
            assertThat(server.isRunning()).isTrue();
            server.stop();
            assertThat(server.isRunning()).isFalse();
            server.start();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.connectedClientCount()).isZero();
        }
        finally {
            server.stop();
        }
    }

    /** Linux's getsockopt reports twice the accepted size; both transports must report the accepted one. */
    @ParameterizedTest(name = "{0} bytes asked for")
    @CsvSource({ "4194304", "65536", "1300" })
    void reportsTheSocketBuffersGrantedAsTheJdkTransportDoes(int requested) {
        TransportOptions options = new TransportOptions(requested, false, Duration.ZERO);
        SocketBufferSizes onNio;
        try (UdpTransport nio = UdpTransport.bind(LOCALHOST_ANY_PORT, options)) {
            onNio = nio.socketBuffers();
        }
        try (EpollTransport epoll = EpollTransport.bind(LOCALHOST_ANY_PORT, options)) {
            assertThat(epoll.socketBuffers()).isEqualTo(onNio);
            assertThat(epoll.socketBuffers().requestedBytes()).isEqualTo(requested);
            assertThat(epoll.socketBuffers().receiveBytes()).isPositive();
        }
    }

    @Test
    void bindingAPortInUseFailsWithAMessageNamingTheAddress() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            NetcodeAddress address = NetcodeAddress.parse("127.0.0.1:" + taken.getLocalPort());
            // As on the JDK transport, a BindException that says so: the starter's failure analysis relies on it.
            assertThatThrownBy(() -> EpollTransport.bind(address)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(address.toString())
                    .cause().isInstanceOf(java.net.BindException.class).hasMessageContaining("in use");
        }
    }

    private static void assumeIpv6Loopback() {
        try {
            UdpTransport.bind(NetcodeAddress.parse("[::1]:0")).close();
        }
        catch (UncheckedIOException ex) {
            Assumptions.abort("no IPv6 loopback here: " + ex.getMessage());
        }
    }
}
