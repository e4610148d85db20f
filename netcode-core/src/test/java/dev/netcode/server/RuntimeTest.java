package dev.netcode.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientRuntime;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link ServerRuntime} and {@link ClientRuntime}: real time, real UDP on 127.0.0.1. */
class RuntimeTest {

    private static final long PROTOCOL_ID = 0x4E43_5445_5354L;

    @Test
    void clientConnectsEchoesAndIsDisconnectedWhenTheServerRuntimeCloses() throws Exception {
        byte[] key = SecureRandomBytes.key();
        UdpTransport serverTransport = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        NetcodeAddress serverAddress = serverTransport.localAddress();
        List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();
        NetcodeServer[] server = new NetcodeServer[1];
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                server[0].sendPayload(slot.index(), buf, offset, length);
            }

            @Override
            public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
                reasons.add(reason);
            }
        }).build();
        server[0] = new NetcodeServer(config, serverTransport, 0);
        ServerRuntime serverRuntime = ServerRuntime.start(server[0], 8);

        CountDownLatch echoes = new CountDownLatch(20);
        List<Byte> firstBytes = new CopyOnWriteArrayList<>();
        NetcodeClient client = new NetcodeClient(UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0")),
                new ClientEventHandler() {
                    @Override
                    public void onPayload(byte[] buf, int offset, int length, long sequence) {
                        firstBytes.add(buf[offset]);
                        echoes.countDown();
                    }
                }, 0);
        try (ClientRuntime clientRuntime = ClientRuntime.start(client)) {
            byte[] token = new ConnectTokenGenerator(key, PROTOCOL_ID).generate(7, List.of(serverAddress), 30, 5, null)
                    .toBytes();
            clientRuntime.connect(token);
            assertThat(clientRuntime.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);
            assertThat(serverRuntime.call(NetcodeServer::connectedClientCount).get(5, TimeUnit.SECONDS)).isEqualTo(1);

            for (int i = 0; i < 20; i++) {
                clientRuntime.sendPayload(new byte[] { (byte) i, 1, 2, 3 }, 0, 4);
            }
            assertThat(echoes.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(firstBytes).hasSize(20);

            serverRuntime.close();
            assertThat(clientRuntime.awaitState(s -> s != ClientState.CONNECTED, 5_000)).isEqualTo(ClientState.DISCONNECTED);
            assertThat(reasons).containsExactly(DisconnectReason.SERVER_DISCONNECT);
            assertThat(serverRuntime.isRunning()).isFalse();
        }
        finally {
            serverRuntime.close();
        }
    }
}
