package dev.netcode.boot.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.client.ClientState;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The application's own server (its listener, through the starter) on the simulated network, whose
 * clock only the test moves: a timeout of five seconds is seen in an instant.
 */
@SpringBootTest(classes = EchoGame.class, properties = "netcode.token.timeout=5s")
@AutoConfigureNetcodeTestClient(network = NetcodeTestNetwork.SIMULATED)
class NetcodeSimulatedNetworkTests {

    @Autowired
    NetcodeTestClients clients;

    @Autowired
    NetcodeSimulation simulation;

    @Autowired
    NetcodeServer server;

    @AfterEach
    void perfectNetworkAgain() {
        simulation.network().setLatencySeconds(0).setPacketLossPercent(0);
    }

    @Test
    void theApplicationsServerRunsOnTheSimulatedNetworkAndItsListenerReplies() {
        assertThat(server.transportName()).isEqualTo("simulated");
        double before = simulation.now();
        NetcodeTestClient player = clients.connect(42);
        assertThat(simulation.now()).as("the handshake took simulated time").isGreaterThan(before);
        player.send("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(player.awaitPayload(), StandardCharsets.UTF_8)).isEqualTo("echo 42:hello");
        assertThat(simulation.network().delivered()).isPositive();
    }

    @Test
    void whenTheNetworkGoesQuietTheClockDecidesTheTimeoutAndTheApplicationHearsOfIt() {
        NetcodeTestClient player = clients.connect(43);
        simulation.network().setPacketLossPercent(100);
        simulation.advance(Duration.ofSeconds(4));
        assertThat(player.state()).as("4 s of a 5 s timeout").isEqualTo(ClientState.CONNECTED);
        simulation.advance(Duration.ofSeconds(2));
        assertThat(player.state()).isEqualTo(ClientState.CONNECTION_TIMED_OUT);
        NetcodeClientDisconnectedEvent event = player.awaitServerEvent(NetcodeClientDisconnectedEvent.class,
                Duration.ofSeconds(5));
        assertThat(event.getReason()).isEqualTo(DisconnectReason.TIMED_OUT);
    }

    @Test
    void latencyHoldsARepliesBackUntilTheClockHasMovedPastIt() {
        NetcodeTestClient player = clients.connect(44);
        simulation.network().setLatencySeconds(0.05);
        player.send("ping".getBytes(StandardCharsets.UTF_8));
        // The clock stands still while a client waits: the input has not even reached the server.
        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> player.awaitPayload(Duration.ofMillis(200)))
                .withMessage("client 44: no payload within 200 ms (state CONNECTED; 1 payloads sent, 0 received)");
        simulation.advance(Duration.ofMillis(60));
        // The listener has had the input now (on its own thread); its reply needs 50 ms more on the wire.
        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> player.awaitPayload(Duration.ofMillis(200)));
        simulation.advance(Duration.ofMillis(60));
        assertThat(new String(player.awaitPayload(), StandardCharsets.UTF_8)).isEqualTo("echo 44:ping");
    }
}
