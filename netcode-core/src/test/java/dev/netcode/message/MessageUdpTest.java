package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * Channels on a real {@link NetcodeServer} and {@link NetcodeClient} over UDP on 127.0.0.1: sends
 * from the test's own thread (through the command queues), answers from the server's thread, limits
 * checked at the caller, stats read from another thread. Loopback UDP may still drop datagrams; the
 * reliable channel does not care.
 */
class MessageUdpTest {

    private static final long PROTOCOL_ID = 0x55445043L;
    private static final MessageConfig CONFIG = MessageConfig.of(
            ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED),
            ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED).withMaxMessageBytes(300 * 1024)
                    .withSendQueueBytes(600 * 1024));

    private final byte[] key = SecureRandomBytes.key();
    private final BlockingQueue<String> serverReceived = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> clientReceived = new LinkedBlockingQueue<>();
    private MessageServer messages;
    private NetcodeServer server;
    private NetcodeClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start() throws InterruptedException {
        messages = new MessageServer(CONFIG, (slot, clientId, channel, buf, offset, length) -> {
            String text = new String(buf, offset, length);
            serverReceived.add(slot + "/" + clientId + "/" + channel + ":" + text);
            if (channel == 1) {
                // On the server's thread: queued directly.
                messages.send(slot, clientId, 1, buf, offset, length);
            }
        });
        server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, key).eventHandler(messages).build(),
                NetcodeAddress.parse("127.0.0.1:0"), 8);
        messages.attach(server);
        server.start();
        client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), CONFIG,
                (channel, buf, offset, length) -> clientReceived.add(java.util.Arrays.copyOfRange(buf, offset, offset + length)));
        client.connect(new ConnectTokenGenerator(key, PROTOCOL_ID)
                .generate(42, List.of(server.localAddress()), 30, 5, null).toBytes());
        assertThat(client.awaitState(state -> state == ClientState.CONNECTED || state.isError(), 5_000))
                .isEqualTo(ClientState.CONNECTED);
        while (!client.messages().isConnected()) {
            Thread.onSpinWait();
        }
    }

    @Test
    void reliableMessagesFromOtherThreadsArriveInOrderAndEchoBack() throws InterruptedException {
        start();
        int slot = server.snapshot().clients().get(0).index();
        for (int i = 0; i < 200; i++) {
            assertThat(client.messages().send("chat", ("m" + i).getBytes())).isTrue();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(serverReceived.poll(5, TimeUnit.SECONDS)).isEqualTo(slot + "/42/1:m" + i);
        }
        for (int i = 0; i < 200; i++) {
            assertThat(clientReceived.poll(5, TimeUnit.SECONDS)).asString().isEqualTo("m" + i);
        }
        byte[] block = new byte[250 * 1024];
        new java.util.SplittableRandom(3).nextBytes(block);
        assertThat(messages.send(slot, 42, "chat", block)).isTrue();
        assertThat(clientReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(block);
        assertThat(messages.broadcast("chat", "all".getBytes())).isEqualTo(1);
        assertThat(clientReceived.poll(5, TimeUnit.SECONDS)).asString().isEqualTo("all");

        ConnectionStats serverSide = messages.stats(slot);
        assertThat(serverSide).isNotNull();
        assertThat(serverSide.channels().get(1).name()).isEqualTo("chat");
        assertThat(client.messages().stats()).isNotNull();
    }

    @Test
    void limitsThrowAtTheCallerOnAnyThread() throws InterruptedException {
        start();
        int slot = server.snapshot().clients().get(0).index();
        assertThatThrownBy(() -> messages.send(slot, 42, "chat", new byte[300 * 1024 + 1]))
                .isInstanceOf(MessageLimitException.class).hasMessageContaining("maxMessageBytes = 307200");
        assertThatThrownBy(() -> client.messages().send("snapshots", new byte[20_000]))
                .isInstanceOf(MessageLimitException.class).hasMessageContaining("'snapshots'");
        assertThatThrownBy(() -> messages.broadcast("nope", new byte[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no channel named 'nope'");
        assertThat(serverReceived).isEmpty();
        assertThat(messages.stats(slot).channels().get(1).bufferedBytes()).isZero();
    }
}
