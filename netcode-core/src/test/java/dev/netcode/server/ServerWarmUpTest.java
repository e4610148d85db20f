package dev.netcode.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link ServerWarmUp} and the warm-up a {@link NetcodeServer} runs before it binds. */
class ServerWarmUpTest {

    private static final long PROTOCOL_ID = 0x5741_524D_5550L;
    private static final NetcodeAddress LOCALHOST_ANY_PORT = NetcodeAddress.parse("127.0.0.1:0");

    private final byte[] key = SecureRandomBytes.key();

    @Test
    void runsConnectionsUntilItsBudgetIsSpent() {
        // Short enough that even a warm JVM cannot reach the round cap: a round seals and opens a connect token and
        // well over a hundred packets.
        Duration budget = Duration.ofMillis(50);

        ServerWarmUp.Result result = ServerWarmUp.run(PROTOCOL_ID, budget);

        assertThat(result.rounds()).isPositive().isLessThan(ServerWarmUp.MAX_ROUNDS);
        // Every round sends PAYLOADS_PER_ROUND payloads each way, besides the handshake, keep-alives and disconnects.
        assertThat(result.packets()).isGreaterThan(2L * ServerWarmUp.PAYLOADS_PER_ROUND * result.rounds());
        // Loosely: the budget is checked between rounds, and a round takes milliseconds, not a second.
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(budget).isLessThan(budget.plusSeconds(1));
    }

    @Test
    void stopsAtItsRoundCapWhateverTheBudget() {
        ServerWarmUp.Result result = ServerWarmUp.run(PROTOCOL_ID, ServerConfig.MAX_WARM_UP);

        assertThat(result.rounds()).isEqualTo(ServerWarmUp.MAX_ROUNDS);
        assertThat(result.elapsed()).isLessThan(ServerConfig.MAX_WARM_UP);
    }

    /** Whichever server ran the JVM's warm-up, a server's start has it done before it binds its socket. */
    @Test
    void aServerIsWarmBeforeItBinds() {
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).build();
        List<ServerWarmUp.Result> atBind = new ArrayList<>();
        NetcodeServer[] server = new NetcodeServer[1];
        server[0] = new NetcodeServer(config, () -> {
            atBind.add(server[0].warmUp());
            return UdpTransport.bind(LOCALHOST_ANY_PORT);
        }, 4);
        try (NetcodeServer started = server[0]) {
            started.start();
            assertThat(atBind).singleElement().satisfies(result -> {
                assertThat(result.rounds()).isPositive();
                assertThat(result.packets()).isPositive();
            });
            assertThat(started.statistics().packetsReceived() + started.statistics().packetsSent()).isZero();
            assertThat(started.statistics().drops().total()).isZero();
            assertThat(started.connectedClientCount()).isZero();
        }
    }

    @Test
    void aServerWithWarmUpDisabledNeitherRunsNorWaitsForOne() {
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).warmUp(Duration.ZERO).build();
        try (NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 4)) {
            assertThat(server.warmUp()).isEqualTo(ServerWarmUp.Result.NONE);
        }
    }

    @Test
    void theBudgetDefaultsToAFewHundredMillisecondsAndIsValidated() {
        assertThat(ServerConfig.builder(PROTOCOL_ID, key).build().warmUp()).isEqualTo(Duration.ofMillis(300));
        assertThat(ServerConfig.builder(PROTOCOL_ID, key).warmUp(Duration.ZERO).build().warmUp()).isZero();
        assertThatThrownBy(() -> ServerConfig.builder(PROTOCOL_ID, key).warmUp(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warm-up must be 0 (disabled)");
        assertThatThrownBy(() -> ServerConfig.builder(PROTOCOL_ID, key).warmUp(Duration.ofSeconds(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000 ms");
    }

    /**
     * A warm-up, here run while a real server (same protocol id) is up, leaves that server as it was: no packet,
     * drop, connection or denial counted, no slot taken, the global sequence at its seed, and client id 1, the
     * warm-up's first, still unknown to its token history; a real client then connects over UDP.
     */
    @Test
    void leavesARealServerUntouchedAndARealClientThenConnects() throws Exception {
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).warmUp(Duration.ZERO).build();
        try (NetcodeServer server = NetcodeServer.start(config, LOCALHOST_ANY_PORT, 4)) {
            assertThat(ServerWarmUp.run(PROTOCOL_ID, Duration.ofMillis(100)).rounds()).isPositive();

            ServerStatistics statistics = server.statistics();
            assertThat(statistics.packetsReceived()).isZero();
            assertThat(statistics.packetsSent()).isZero();
            assertThat(statistics.connectionsAccepted()).isZero();
            assertThat(statistics.connectionsDenied()).isZero();
            assertThat(statistics.handlerErrors()).isZero();
            assertThat(statistics.drops().total()).isZero();
            ServerSnapshot snapshot = server.snapshot();
            assertThat(snapshot.clients()).isEmpty();
            assertThat(snapshot.packetsReceived()).isZero();
            assertThat(snapshot.packetsSent()).isZero();
            assertThat(server.call(ServerStateMachine::globalSequence).get())
                    .isEqualTo(NetcodeProtocol.GLOBAL_SEQUENCE_SEED);

            try (NetcodeClient client = NetcodeClient.start(LOCALHOST_ANY_PORT, new ClientEventHandler() {
            })) {
                client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID).generate(1, List.of(server.localAddress()),
                        60, 5, null).toBytes());
                assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                        .isEqualTo(ClientState.CONNECTED);
            }
            assertThat(statistics.connectionsAccepted()).isEqualTo(1);
            assertThat(statistics.drops().get(DropReason.TOKEN_ALREADY_USED)).isZero();
        }
    }
}
