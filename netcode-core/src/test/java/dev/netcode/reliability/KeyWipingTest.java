package dev.netcode.reliability;

import java.lang.reflect.Field;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Key material is zeroed once its owner is done with it, so a heap dump taken afterwards holds no
 * copy of it: the private key in {@link ServerConfig}, in each run's {@link ServerStateMachine} and
 * in {@link ConnectTokenGenerator}, and a client's session keys. What a later start needs survives
 * {@link NetcodeServer#stop()}; only {@link NetcodeServer#close()} wipes the config. The arrays are
 * read by reflection: they are private on purpose.
 */
class KeyWipingTest {

    private static final long PROTOCOL_ID = 0x5749_5045L;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");

    private final byte[] key = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);

    @Test
    void aServerKeepsTheConfigsKeyAcrossStopAndStartAndCloseWipesEveryCopy() throws Exception {
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).build();
        NetcodeServer server = NetcodeServer.start(config, LOCALHOST, 4);
        try {
            ServerStateMachine firstRun = server.stateMachine();
            connectAndClose(server, 1);
            server.stop();
            assertThat(bytes(firstRun, "privateKey")).as("a stopped run's copy").containsOnly(0);
            assertThat(bytes(firstRun, "challengeKey")).containsOnly(0);
            assertThat(bytes(config, "privateKey")).as("the config's copy, for the next start").isEqualTo(key);

            server.start();
            ServerStateMachine secondRun = server.stateMachine();
            connectAndClose(server, 2);
            server.close();

            assertThat(config.isDestroyed()).isTrue();
            assertThat(bytes(config, "privateKey")).containsOnly(0);
            assertThat(bytes(secondRun, "privateKey")).containsOnly(0);
            assertThatIllegalStateException().isThrownBy(server::start).withMessageContaining("destroyed")
                    .withMessageNotContaining(Bytes.toHex(key).substring(0, 16));
        }
        finally {
            server.close();
        }
    }

    @Test
    void aClosedGeneratorHasWipedItsKeyAndMintsNoMore() throws Exception {
        ConnectTokenGenerator generator = new ConnectTokenGenerator(key, PROTOCOL_ID);
        List<NetcodeAddress> servers = List.of(NetcodeAddress.parse("127.0.0.1:40000"));
        generator.generate(1, servers, 30, 5, null);
        assertThat(bytes(generator, "privateKey")).isEqualTo(key);

        generator.close();

        assertThat(bytes(generator, "privateKey")).containsOnly(0);
        assertThatIllegalStateException().isThrownBy(() -> generator.generate(1, servers, 30, 5, null))
                .withMessageContaining("closed");
    }

    /** Connects a client, checks its session keys are in place, closes it and checks they are zero. */
    private void connectAndClose(NetcodeServer server, long clientId) throws Exception {
        NetcodeClient client = NetcodeClient.start(LOCALHOST, new ClientEventHandler() {
        });
        ClientStateMachine machine = client.client();
        try {
            client.connect(tokens.generate(clientId, List.of(server.localAddress()), 30, 5, null).toBytes());
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);
        }
        finally {
            client.close();
        }
        assertThat(bytes(machine, "clientToServerKey")).containsOnly(0);
        assertThat(bytes(machine, "serverToClientKey")).containsOnly(0);
    }

    private static byte[] bytes(Object owner, String field) throws ReflectiveOperationException {
        Field declared = owner.getClass().getDeclaredField(field);
        declared.setAccessible(true);
        return (byte[]) declared.get(owner);
    }
}
