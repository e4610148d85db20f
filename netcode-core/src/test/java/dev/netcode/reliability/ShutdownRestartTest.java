package dev.netcode.reliability;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operational safety over real UDP: a graceful stop tells every client at once, and a server killed
 * abruptly (SIGKILL to its process: no stop, no disconnect packets) and replaced by a new one on the
 * same address starts its global sequence again at 2^63 and refuses every token minted before it
 * started (the restart rule). The two go together: challenge and denied packets are sealed with the
 * token's server-to-client key and the global sequence as nonce, so a pre-restart token admitted by
 * the new server would see nonces it saw before under the same key; the restart rule is what makes
 * the sequence reset safe. (On the simulator: {@code ServerStateMachineTest.test_server_restart_global_sequence},
 * {@code ClientServerLifecycleTest.newServerOnTheSameAddressRefusesTokenMintedBeforeItStarted}.)
 */
class ShutdownRestartTest {

    private static final long PROTOCOL_ID = 0x52657374L;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");
    private static final long GLOBAL_SEED = NetcodeProtocol.GLOBAL_SEQUENCE_SEED;

    private final byte[] key = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);

    @Test
    void gracefulStopDisconnectsEveryClientPromptlyNotByTimeout() throws Exception {
        List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
        NetcodeServer server = NetcodeServer.start(ServerConfig.builder(PROTOCOL_ID, key)
                .eventHandler(new ServerEventHandler() {
                    @Override
                    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                        reasons.add(reason);
                    }
                }).build(), LOCALHOST, 16);
        List<NetcodeClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                NetcodeClient client = NetcodeClient.start(LOCALHOST, new ClientEventHandler() {
                });
                client.connect(tokens.generate(i + 1, List.of(server.localAddress()), 30, 10, null).toBytes());
                clients.add(client);
            }
            for (NetcodeClient client : clients) {
                assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                        .isEqualTo(ClientState.CONNECTED);
            }
            long start = System.nanoTime();
            server.stop();
            for (NetcodeClient client : clients) {
                assertThat(client.awaitState(s -> s != ClientState.CONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // Told, not timed out: well under the 10 s timeout, with room for a machine whose cores are busy.
            assertThat(seconds).as("all told within 5 s (the timeout is 10 s)").isLessThan(5.0);
            assertThat(reasons).hasSize(12).containsOnly(DisconnectReason.SERVER_DISCONNECT);
        }
        finally {
            clients.forEach(NetcodeClient::close);
            server.stop();
        }
    }

    @Test
    void serverKilledAndRestartedOnTheSameAddressResetsTheGlobalSequenceAndRefusesOlderTokens(@TempDir Path dir)
            throws Exception {
        NetcodeAddress address = freePort();
        Path keyFile = dir.resolve("key.hex");
        Files.writeString(keyFile, Bytes.toHex(key));
        Path log = dir.resolve("server.log");
        Process process = Reliability.launch(ServerProcess.class, List.of(),
                List.of(address.toString(), Long.toHexString(PROTOCOL_ID), "8", keyFile.toString()), log);
        NetcodeServer restarted = null;
        CountDownLatch echo = new CountDownLatch(1);
        TrackedClient client = new TrackedClient(new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                echo.countDown();
            }
        });
        try {
            awaitLine(log, "READY", process);
            ConnectToken old = tokens.generate(1, List.of(address), 30, 2, null);
            long mintedAt = System.currentTimeMillis() / 1000;
            client.connect(old.toBytes());
            assertThat(client.awaitOutcome(5_000)).isEqualTo(ClientState.CONNECTED);
            client.client.sendPayload(new byte[] { 1, 2, 3 }, 0, 3);
            assertThat(echo.await(5, TimeUnit.SECONDS)).isTrue();

            // SIGKILL: no disconnect packets, so the client finds out by timing out.
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(client.client.awaitState(s -> s != ClientState.CONNECTED, 5_000))
                    .isEqualTo(ClientState.CONNECTION_TIMED_OUT);

            // A new server on the same address, at least one second later (the restart rule counts Unix seconds).
            while (System.currentTimeMillis() / 1000 == mintedAt) {
                Thread.sleep(20);
            }
            restarted = NetcodeServer.start(ServerConfig.builder(PROTOCOL_ID, key).build(), address, 8);
            NetcodeServer server = restarted;
            assertThat(server.localAddress()).isEqualTo(address);
            assertThat(server.call(m -> m.globalSequence()).get(5, TimeUnit.SECONDS)).isEqualTo(GLOBAL_SEED);

            // The old token, which the new server has never seen (empty history), is refused by the
            // restart rule: from a client that does not know it was used (its own client refuses it
            // at once, sending nothing) and as a replayed request from elsewhere.
            client.connect(old.toBytes());
            assertThat(client.awaitOutcome(5_000)).isEqualTo(ClientState.INVALID_CONNECT_TOKEN);
            try (TrackedClient forgetful = new TrackedClient()) {
                forgetful.connect(old.toBytes());
                replay(old, address);
                assertThat(forgetful.awaitOutcome(10_000)).isEqualTo(ClientState.CONNECTION_REQUEST_TIMED_OUT);
            }
            assertThat(server.statistics().drops().get(DropReason.TOKEN_PREDATES_START)).isGreaterThan(2);
            assertThat(server.statistics().connectionsAccepted()).isZero();
            assertThat(server.call(m -> m.globalSequence()).get(5, TimeUnit.SECONDS))
                    .as("no challenge went out for the old token").isEqualTo(GLOBAL_SEED);

            // A fresh token connects; its challenge is the first global packet of this run.
            client.connect(tokens.generate(1, List.of(address), 30, 2, null).toBytes());
            assertThat(client.awaitOutcome(5_000)).isEqualTo(ClientState.CONNECTED);
            long sequence = server.call(m -> m.globalSequence()).get(5, TimeUnit.SECONDS);
            assertThat(Long.compareUnsigned(sequence, GLOBAL_SEED)).isPositive();
            assertThat(sequence - GLOBAL_SEED).isBetween(1L, 5L);
        }
        finally {
            process.destroyForcibly();
            client.close();
            if (restarted != null) {
                restarted.stop();
            }
        }
    }

    /** The token's request, sent once from a socket of its own. */
    private static void replay(ConnectToken token, NetcodeAddress server) throws Exception {
        byte[] request = new byte[NetcodeProtocol.CONNECTION_REQUEST_BYTES];
        try (PacketCodec codec = new PacketCodec(PROTOCOL_ID); DatagramChannel channel = DatagramChannel.open()) {
            codec.writeConnectionRequest(request, token);
            channel.send(ByteBuffer.wrap(request), server.toInetSocketAddress());
        }
    }

    private static NetcodeAddress freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return NetcodeAddress.parse("127.0.0.1:" + socket.getLocalPort());
        }
    }

    static void awaitLine(Path log, String prefix, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).lines().anyMatch(line -> line.startsWith(prefix))) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + prefix + "' line; output:\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
