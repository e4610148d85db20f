package dev.netcode.boot.example;

import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test that README's "Testing your game server" shows, kept here so that it compiles and passes:
 * a real client connects over UDP on 127.0.0.1 to the application's server with a token from the
 * application's own {@link ConnectTokenIssuer}, and talks to its {@code @NetcodeListener}. Keep the
 * two in step.
 */
@SpringBootTest(classes = GameServerTests.Game.class, properties = "netcode.server.bind-address=127.0.0.1:0")
class GameServerTests {

    @Autowired
    ConnectTokenIssuer tokens;

    @Test
    void repliesToInput() throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        ClientEventHandler events = new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                received.add(Arrays.copyOfRange(buf, offset, offset + length));
            }
        };
        try (NetcodeClient client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), events)) {
            client.connect(tokens.issue(42, null).token());
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                .isEqualTo(ClientState.CONNECTED);

            client.sendPayload(new byte[] { 1, 2, 3 }, 0, 3);
            assertThat(received.poll(5, TimeUnit.SECONDS)).containsExactly(3, 2, 1);
        }
    }

    /** The application under test: one listener that answers every input reversed. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Reverser.class)
    static class Game {
    }

    @Component
    static class Reverser {

        @NetcodeListener
        byte[] onInput(byte[] input) {
            byte[] reply = new byte[input.length];
            for (int i = 0; i < input.length; i++) {
                reply[i] = input[input.length - 1 - i];
            }
            return reply;
        }
    }
}
