package dev.netcode.transport.epoll;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference's real-socket tests (digest §15 items 26-28, {@code UdpClientServerTest} in netcode-core, which
 * drives its state machines from the test's thread and so runs on the JDK transport only) on epoll: server and
 * clients on sockets bound to 127.0.0.1, [::1] or the dual-stack wildcard [::], each on its own event loop.
 */
class EpollSocketFamiliesTest {

    private static final long PROTOCOL_ID = 0x1122334455667788L;

    private final byte[] key = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
    private final List<Long> connected = new CopyOnWriteArrayList<>();
    private final List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Map<NetcodeClient, EchoCounter> echoCounters = new HashMap<>();
    private NetcodeServer server;

    @BeforeAll
    static void requireEpoll() {
        Assumptions.assumeTrue(EpollTransport.isAvailable(), () -> "no native epoll here: " + EpollTransport.unavailabilityCause());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({ "127.0.0.1:0, 127.0.0.1:0", "127.0.0.1:0, [::]:0", "[::]:0, 127.0.0.1:0", "[::]:0, [::]:0" })
    void ipv4SocketsConnect(String clientBind, String serverBind) throws Exception {
        if (clientBind.startsWith("[") || serverBind.startsWith("[")) {
            assumeIpv6Loopback();
        }
        int port = startServer(serverBind, 1);
        NetcodeClient client = client(clientBind);
        connectAndEcho(client, NetcodeAddress.parse("127.0.0.1:" + port), 26);
        disconnect(client, 0);
    }

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({ "[::1]:0, [::1]:0", "[::1]:0, [::]:0", "[::]:0, [::1]:0", "[::]:0, [::]:0" })
    void ipv6SocketsConnect(String clientBind, String serverBind) throws Exception {
        assumeIpv6Loopback();
        int port = startServer(serverBind, 1);
        NetcodeClient client = client(clientBind);
        connectAndEcho(client, NetcodeAddress.parse("[::1]:" + port), 27);
        disconnect(client, 0);
    }

    @Test
    void aDualStackServerTakesClientsOverBothFamilies() throws Exception {
        assumeIpv6Loopback();
        int port = startServer("[::]:0", 3);
        NetcodeAddress v4 = NetcodeAddress.parse("127.0.0.1:" + port);
        NetcodeAddress v6 = NetcodeAddress.parse("[::1]:" + port);
        assertThat(server.serverAddresses()).containsExactly(v4, v6);

        NetcodeClient overIpv4 = client("[::]:0");
        connectAndEcho(overIpv4, v4, 281);
        NetcodeClient overIpv6 = client("[::]:0");
        connectAndEcho(overIpv6, v6, 282);
        NetcodeClient ipv6Only = client("[::1]:0");
        connectAndEcho(ipv6Only, v6, 283);

        assertThat(server.connectedClientCount()).isEqualTo(3);
        assertThat(server.snapshot().clients()).extracting(c -> c.address().isIpv6()).containsExactly(false, true, true);
        disconnect(overIpv4, 2);
        disconnect(overIpv6, 1);
        disconnect(ipv6Only, 0);
    }

    /**
     * Binds the server's epoll socket first, so that a wildcard server's config can list the real port, then runs the
     * server on it; returns the port.
     */
    private int startServer(String bind, int maxClients) {
        EpollTransport transport = EpollTransport.bind(NetcodeAddress.parse(bind));
        int port = transport.localAddress().port();
        List<NetcodeAddress> addresses = bind.startsWith("[::]")
                ? List.of(NetcodeAddress.parse("127.0.0.1:" + port), NetcodeAddress.parse("[::1]:" + port))
                : List.of(transport.localAddress());
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).serverAddresses(addresses)
                .eventHandler(new ServerEventHandler() {
                    @Override
                    public void onClientConnected(ClientSlot slot) {
                        connected.add(slot.clientId());
                    }

                    @Override
                    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                        slot.send(buf, offset, length);
                    }

                    @Override
                    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                        disconnects.add(reason);
                    }
                }).build();
        server = new NetcodeServer(config, () -> transport, maxClients);
        opened.add(server);
        server.start();
        return port;
    }

    private NetcodeClient client(String bind) {
        EchoCounter echoes = new EchoCounter();
        NetcodeClient client = NetcodeClient.start(NetcodeAddress.parse(bind), TransportSelection.EPOLL, echoes);
        opened.add(client);
        echoCounters.put(client, echoes);
        assertThat(client.transportName()).isEqualTo("epoll");
        return client;
    }

    private void connectAndEcho(NetcodeClient client, NetcodeAddress target, long clientId) throws Exception {
        int before = server.connectedClientCount();
        client.connect(tokens.generate(clientId, List.of(target), 30, 5, null).toBytes());
        assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                .as("client %d connects to %s", clientId, target).isEqualTo(ClientState.CONNECTED);
        assertThat(client.client().serverAddress()).isEqualTo(target);
        assertThat(server.connectedClientCount()).isEqualTo(before + 1);
        assertThat(connected).endsWith(clientId);
        assertThat(server.snapshot().clients()).anySatisfy(c -> {
            assertThat(c.clientId()).isEqualTo(clientId);
            assertThat(c.address().port()).isEqualTo(client.client().localAddress().port());
        });

        // UDP may lose some: send until one echo is back, a bounded number of times.
        CountDownLatch back = echoCounters.get(client).expect();
        for (int attempt = 0; attempt < 20 && back.getCount() > 0; attempt++) {
            client.sendPayload(new byte[] { 1, 2, 3, (byte) clientId }, 0, 4);
            back.await(250, TimeUnit.MILLISECONDS);
        }
        assertThat(back.getCount()).as("an echo came back").isZero();
    }

    private void disconnect(NetcodeClient client, int remaining) throws Exception {
        int disconnectsBefore = disconnects.size();
        client.disconnect();
        assertThat(client.awaitState(s -> s == ClientState.DISCONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connectedClientCount() != remaining && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.connectedClientCount()).isEqualTo(remaining);
        assertThat(disconnects.subList(disconnectsBefore, disconnects.size()))
                .containsExactly(DisconnectReason.CLIENT_DISCONNECT);
    }

    private static void assumeIpv6Loopback() {
        try {
            UdpTransport.bind(NetcodeAddress.parse("[::1]:0")).close();
        }
        catch (UncheckedIOException ex) {
            Assumptions.abort("cannot bind [::1]: " + ex.getMessage());
        }
    }

    /** Counts down when a payload comes back. */
    private static final class EchoCounter implements ClientEventHandler {

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
