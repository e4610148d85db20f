package dev.netcode.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.transport.SocketBufferSizes;
import dev.netcode.transport.TestTransports;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The socket buffer check at {@link NetcodeServer#start()}, on real UDP sockets on 127.0.0.1. The
 * assertions are relative to what this machine's kernel grants, never to its rmem_max.
 */
class NetcodeServerSocketBufferTest {

    private static final long PROTOCOL_ID = 0x4E43_5445_5354L;
    private static final NetcodeAddress LOCALHOST_ANY_PORT = NetcodeAddress.parse("127.0.0.1:0");
    private static final long BYTES_PER_CLIENT = NetcodeServer.BURST_DATAGRAMS_PER_CLIENT * NetcodeProtocol.MAX_PACKET_BYTES;

    private final byte[] key = SecureRandomBytes.key();

    @Test
    void theNeedIsEveryClientsBurstOfFullSizeDatagrams() {
        assertThat(NetcodeServer.socketBufferBytesNeeded(1)).isEqualTo(4 * 1300);
        assertThat(NetcodeServer.socketBufferBytesNeeded(256)).isEqualTo(1_331_200);
        assertThat(NetcodeServer.socketBufferBytesNeeded(40)).as("a stock Linux grants 212992").isLessThan(212_992);
        assertThat(NetcodeServer.socketBufferBytesNeeded(41)).isGreaterThan(212_992);
    }

    @Test
    void noWarningWhenTheGrantedBuffersHoldWhatMaxClientsNeed() {
        SocketBufferSizes granted = defaultGrant();
        int maxClients = (int) Math.min(ServerConfig.MAX_CLIENTS_LIMIT,
                Math.min(granted.receiveBytes(), granted.sendBytes()) / BYTES_PER_CLIENT);
        assertThat(maxClients).as("this machine grants room for at least one client").isPositive();

        StartedServer started = startCapturingErrors(maxClients, UdpTransport.SOCKET_BUFFER_BYTES);

        assertThat(started.server.socketBuffers()).isEqualTo(granted);
        assertThat(started.errorOutput).doesNotContain("socket buffer is");
        assertThat(started.server.transportName()).isEqualTo(TestTransports.expectedName());
    }

    @Test
    void warnsWithTheSysctlWhenOneClientMoreThanTheReceiveBufferHoldsIsConfigured() {
        SocketBufferSizes granted = defaultGrant();
        int maxClients = (int) (granted.receiveBytes() / BYTES_PER_CLIENT) + 1;
        // Beyond the slot limit this check cannot be made: the kernel grants more than 4096 clients need.
        org.junit.jupiter.api.Assumptions.assumeTrue(maxClients <= ServerConfig.MAX_CLIENTS_LIMIT);
        long needed = NetcodeServer.socketBufferBytesNeeded(maxClients);

        StartedServer started = startCapturingErrors(maxClients, UdpTransport.SOCKET_BUFFER_BYTES);

        assertThat(started.errorOutput).contains("netcode server on " + started.server.localAddress()
                + ": receive socket buffer is " + granted.receiveBytes() + " bytes, below the " + needed + " bytes "
                + maxClients + " clients need (" + maxClients + " clients x 4 datagrams x 1300 bytes)")
                .contains("sysctl -w net.core.rmem_max=" + needed);
    }

    @Test
    void warnsForBothBuffersAndAsksForALargerRequestWhenTheRequestItselfIsTooSmall() {
        int requested = 8 * 1024;
        int maxClients = ServerConfig.MAX_CLIENTS_LIMIT;
        long needed = NetcodeServer.socketBufferBytesNeeded(maxClients);

        StartedServer started = startCapturingErrors(maxClients, requested);

        SocketBufferSizes buffers = started.server.socketBuffers();
        assertThat(buffers.requestedBytes()).isEqualTo(requested);
        assertThat(buffers.receiveBytes()).isPositive().isLessThan((int) needed);
        assertThat(started.errorOutput)
                .contains("receive socket buffer is " + buffers.receiveBytes() + " bytes, below the " + needed)
                .contains("sysctl -w net.core.rmem_max=" + needed)
                .contains("send socket buffer is " + buffers.sendBytes() + " bytes, below the " + needed)
                .contains("sysctl -w net.core.wmem_max=" + needed)
                .contains("ask for at least " + needed + " bytes (" + requested + " were asked for)");
    }

    @Test
    void anOutOfRangeSocketBufferSizeIsRefusedWhenTheServerIsMade() {
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).build();
        assertThatThrownBy(() -> new NetcodeServer(config, LOCALHOST_ANY_PORT, 8, 1299))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("socket buffer size must be 1300..1073741824 bytes, got 1299");
    }

    /** What the kernel grants a socket of the transport under test, bound with the default options, here. */
    private static SocketBufferSizes defaultGrant() {
        try (Transport probe = TransportSelection.resolve(TransportSelection.AUTO).bind(LOCALHOST_ANY_PORT,
                TransportOptions.defaults())) {
            return probe.socketBuffers();
        }
    }

    private record StartedServer(NetcodeServer server, String errorOutput) {
    }

    /** Starts and stops a server while capturing standard error, where slf4j-simple writes its WARN lines. */
    private StartedServer startCapturingErrors(int maxClients, int socketBufferBytes) {
        NetcodeServer server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, key).build(), LOCALHOST_ANY_PORT,
                maxClients, socketBufferBytes);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            server.start();
        }
        finally {
            System.setErr(original);
            server.stop();
        }
        return new StartedServer(server, captured.toString(StandardCharsets.UTF_8));
    }
}
