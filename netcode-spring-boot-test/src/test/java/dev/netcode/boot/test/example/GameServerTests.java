package dev.netcode.boot.test.example;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.netcode.boot.test.AutoConfigureNetcodeTestClient;
import dev.netcode.boot.test.NetcodeTestClient;
import dev.netcode.boot.test.NetcodeTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/** README's "Testing your game server", first example, exactly: keep the two in step. */
@SpringBootTest(classes = Game.class)
@AutoConfigureNetcodeTestClient
class GameServerTests {

    @Autowired
    NetcodeTestClients clients;

    @Test
    void repliesToInput() {
        NetcodeTestClient player = clients.connect(42);       // a token from the app's own issuer
        player.send(new byte[] { 1, 2, 3 });
        assertThat(player.awaitPayload()).containsExactly(3, 2, 1);   // your listener's reply
    }
}
