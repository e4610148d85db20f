package dev.netcode.server;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference's real-socket tests (digest §15 items 26-28): a client and a server on UDP
 * sockets bound to 127.0.0.1, [::1] or the dual-stack wildcard [::], driven by real time in a
 * bounded loop. Only loopback addresses ever carry traffic.
 */
class UdpClientServerTest {

    private static final long PROTOCOL_ID = 0x1122334455667788L;
    private static final long MAX_WAIT_NANOS = 5_000_000_000L;
    private static final int TOKEN_EXPIRY = 30;
    private static final int TIMEOUT = 5;

    private final byte[] privateKey = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(privateKey, PROTOCOL_ID);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final long start = System.nanoTime();

    private UdpTransport serverTransport;
    private ServerStateMachine server;
    private final Recorder events = new Recorder();
    private final List<ClientStateMachine> clients = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    // ---- 26 -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({ "127.0.0.1:0, 127.0.0.1:0", "127.0.0.1:0, [::]:0", "[::]:0, 127.0.0.1:0", "[::]:0, [::]:0" })
    void test_client_server_ipv4_socket_connect(String clientBind, String serverBind) {
        startServer(serverBind, 1);
        NetcodeAddress target = NetcodeAddress.parse("127.0.0.1:" + port());
        ClientStateMachine client = client(clientBind);
        connectAndExchange(client, target, 26, 0);
        disconnectFromClientSide(client, 0);
    }

    // ---- 27 -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({ "[::1]:0, [::1]:0", "[::1]:0, [::]:0", "[::]:0, [::1]:0", "[::]:0, [::]:0" })
    void test_client_server_ipv6_socket_connect(String clientBind, String serverBind) {
        assumeIpv6Loopback();
        startServer(serverBind, 1);
        NetcodeAddress target = NetcodeAddress.parse("[::1]:" + port());
        ClientStateMachine client = client(clientBind);
        connectAndExchange(client, target, 27, 0);
        disconnectFromClientSide(client, 0);
    }

    // ---- 28 -------------------------------------------------------------------------------------

    @Test
    void test_client_server_dual_socket_connect() {
        assumeIpv6Loopback();
        startServer("[::]:0", 3);
        assertThat(serverTransport.isDualStack()).isTrue();
        NetcodeAddress v4 = NetcodeAddress.parse("127.0.0.1:" + port());
        NetcodeAddress v6 = NetcodeAddress.parse("[::1]:" + port());
        assertThat(server.serverAddresses()).containsExactly(v4, v6);

        // Over IPv4 to the first configured address, then over IPv6 to the second, both dual-stack clients.
        ClientStateMachine overIpv4 = client("[::]:0");
        connectAndExchange(overIpv4, v4, 281, 0);
        ClientStateMachine overIpv6 = client("[::]:0");
        connectAndExchange(overIpv6, v6, 282, 1);
        // A token listing only the second configured address, from an IPv6-only client.
        ClientStateMachine ipv6Only = client("[::1]:0");
        connectAndExchange(ipv6Only, v6, 283, 2);

        assertThat(server.connectedClientCount()).isEqualTo(3);
        assertThat(server.slot(0).address().isIpv6()).isFalse();
        assertThat(server.slot(1).address().isIpv6()).isTrue();
        assertThat(server.slot(2).address()).isEqualTo(ipv6Only.localAddress());
        assertThat(overIpv4.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(overIpv6.state()).isEqualTo(ClientState.CONNECTED);
        disconnectFromClientSide(overIpv4, 2);
        disconnectFromClientSide(overIpv6, 1);
        disconnectFromClientSide(ipv6Only, 0);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private double now() {
        return (System.nanoTime() - start) / 1e9;
    }

    private int port() {
        return serverTransport.localAddress().port();
    }

    private void startServer(String bind, int maxClients) {
        serverTransport = bindOrSkip(bind);
        int port = serverTransport.localAddress().port();
        assertThat(port).isNotZero();
        List<NetcodeAddress> addresses = bind.startsWith("[::]")
                ? List.of(NetcodeAddress.parse("127.0.0.1:" + port), NetcodeAddress.parse("[::1]:" + port))
                : List.of(serverTransport.localAddress());
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, privateKey).serverAddresses(addresses)
                .eventHandler(events).build();
        server = new ServerStateMachine(config, serverTransport, now());
        opened.add(server);
        server.start(maxClients);
    }

    private ClientStateMachine client(String bind) {
        UdpTransport transport = bindOrSkip(bind);
        ClientStateMachine client = new ClientStateMachine(transport, new ClientRecorder(), now());
        opened.add(client);
        clients.add(client);
        return client;
    }

    private UdpTransport bindOrSkip(String bind) {
        NetcodeAddress address = NetcodeAddress.parse(bind);
        try {
            UdpTransport transport = UdpTransport.bind(address);
            opened.add(transport);
            return transport;
        }
        catch (UncheckedIOException ex) {
            Assumptions.assumeFalse(address.isIpv6(), "IPv6 unavailable here: " + ex.getMessage());
            throw ex;
        }
    }

    private static void assumeIpv6Loopback() {
        try {
            UdpTransport.bind(NetcodeAddress.parse("[::1]:0")).close();
        }
        catch (UncheckedIOException ex) {
            Assumptions.abort("cannot bind [::1]: " + ex.getMessage());
        }
    }

    /** Updates every client and the server with real time until {@code condition} holds or 5 s pass. */
    private boolean pump(BooleanSupplier condition, Runnable eachIteration) {
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            double t = now();
            for (ClientStateMachine client : clients) {
                client.update(t);
            }
            server.update(t);
            if (condition.getAsBoolean()) {
                return true;
            }
            eachIteration.run();
            try {
                serverTransport.awaitDatagram(2);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    private void connectAndExchange(ClientStateMachine client, NetcodeAddress target, long clientId, int expectedIndex) {
        int before = server.connectedClientCount();
        client.connect(tokens.generate(clientId, List.of(target), TOKEN_EXPIRY, TIMEOUT, null).toBytes());
        assertThat(pump(() -> client.state() == ClientState.CONNECTED && server.connectedClientCount() == before + 1,
                () -> {
                })).as("client %d connects to %s", clientId, target).isTrue();
        assertThat(client.clientIndex()).isEqualTo(expectedIndex);
        assertThat(client.serverAddress()).isEqualTo(target);
        assertThat(server.slot(expectedIndex).clientId()).isEqualTo(clientId);
        assertThat(server.slot(expectedIndex).address().port()).isEqualTo(client.localAddress().port());
        assertThat(events.connected).endsWith(clientId);

        byte[] up = ClientServerConnectionTest.payload(clientId, 1);
        byte[] down = ClientServerConnectionTest.payload(clientId, 2);
        ClientRecorder received = recorderOf(client);
        received.payloads.clear();
        events.payloads.clear();
        events.payloadSlots.clear();
        assertThat(pump(() -> !received.payloads.isEmpty() && !events.payloads.isEmpty(), () -> {
            client.sendPayload(up);
            server.sendPayload(expectedIndex, down);
        })).as("payloads both ways").isTrue();
        assertThat(received.payloads).allSatisfy(p -> assertThat(p).isEqualTo(down));
        assertThat(events.payloads).allSatisfy(p -> assertThat(p).isEqualTo(up));
        assertThat(events.payloadSlots).containsOnly(expectedIndex);
        assertThat(down).hasSize(NetcodeProtocol.MAX_PAYLOAD_BYTES);
    }

    private final List<ClientRecorder> recorders = new ArrayList<>();

    private ClientRecorder recorderOf(ClientStateMachine client) {
        return recorders.get(clients.indexOf(client));
    }

    private void disconnectFromClientSide(ClientStateMachine client, int remaining) {
        int index = client.clientIndex();
        client.disconnect();
        assertThat(client.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(pump(() -> server.connectedClientCount() == remaining, () -> {
        })).isTrue();
        assertThat(server.isClientConnected(index)).isFalse();
        assertThat(server.disconnectReason(index)).isEqualTo(DisconnectReason.CLIENT_DISCONNECT);
    }

    private final class ClientRecorder implements ClientEventHandler {
        final List<byte[]> payloads = new ArrayList<>();

        ClientRecorder() {
            recorders.add(this);
        }

        @Override
        public void onPayload(byte[] buf, int offset, int length, long sequence) {
            payloads.add(Arrays.copyOfRange(buf, offset, offset + length));
        }
    }

    private static final class Recorder implements ServerEventHandler {
        final List<Long> connected = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        final List<Integer> payloadSlots = new ArrayList<>();

        @Override
        public void onClientConnected(ClientSlot slot) {
            connected.add(slot.clientId());
        }

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            payloads.add(Arrays.copyOfRange(buf, offset, offset + length));
            payloadSlots.add(slot.index());
        }
    }
}
