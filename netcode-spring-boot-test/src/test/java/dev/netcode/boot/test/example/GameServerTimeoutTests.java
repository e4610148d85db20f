package dev.netcode.boot.test.example;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.boot.test.AutoConfigureNetcodeTestClient;
import dev.netcode.boot.test.NetcodeSimulation;
import dev.netcode.boot.test.NetcodeTestClient;
import dev.netcode.boot.test.NetcodeTestClients;
import dev.netcode.boot.test.NetcodeTestNetwork;
import dev.netcode.client.ClientState;
import dev.netcode.server.DisconnectReason;

import static org.assertj.core.api.Assertions.assertThat;

/** README's "Testing your game server", the simulated network, exactly: keep the two in step. */
@SpringBootTest(classes = Game.class, properties = "netcode.token.timeout=5s")
@AutoConfigureNetcodeTestClient(network = NetcodeTestNetwork.SIMULATED)
class GameServerTimeoutTests {

    @Autowired
    NetcodeTestClients clients;

    @Autowired
    NetcodeSimulation simulation;

    @Test
    void aSilentPlayerTimesOut() {
        NetcodeTestClient player = clients.connect(42);
        simulation.network().setPacketLossPercent(100);     // the player's connection drops
        simulation.advance(Duration.ofSeconds(6));           // in an instant, not six seconds

        assertThat(player.state()).isEqualTo(ClientState.CONNECTION_TIMED_OUT);
        assertThat(player.awaitServerEvent(NetcodeClientDisconnectedEvent.class, Duration.ofSeconds(5))
            .getReason()).isEqualTo(DisconnectReason.TIMED_OUT);
    }
}
