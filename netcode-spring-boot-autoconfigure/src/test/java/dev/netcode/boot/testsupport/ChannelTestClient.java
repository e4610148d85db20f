package dev.netcode.boot.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.message.ClientMessageHandler;
import dev.netcode.message.ConnectionStats;
import dev.netcode.message.MessageConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real netcode client on UDP 127.0.0.1 that speaks channels: sends messages on a channel and
 * records what the server sends on each.
 */
public final class ChannelTestClient implements AutoCloseable {

    private final NetcodeClient client;

    private final MessageConfig config;

    private final BlockingQueue<byte[]>[] received;

    @SuppressWarnings("unchecked")
    private ChannelTestClient(MessageConfig config) {
        this.config = config;
        this.received = (BlockingQueue<byte[]>[]) new BlockingQueue<?>[config.channels().size()];
        for (int i = 0; i < this.received.length; i++) {
            this.received[i] = new LinkedBlockingQueue<>();
        }
        this.client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), config, new ClientMessageHandler() {

            @Override
            public void onMessage(int channel, byte[] buf, int offset, int length) {
                received[channel].add(Arrays.copyOfRange(buf, offset, offset + length));
            }
        });
    }

    /** A client on the channels of {@code config}, connected with {@code connectToken}; close it. */
    public static ChannelTestClient connect(MessageConfig config, byte[] connectToken) throws InterruptedException {
        ChannelTestClient client = new ChannelTestClient(config);
        client.client.connect(connectToken);
        ClientState state = client.client.awaitState((s) -> s == ClientState.CONNECTED || s.isError(),
                UdpTestClients.MAX_WAIT_MILLIS);
        if (state != ClientState.CONNECTED) {
            client.close();
        }
        assertThat(state).as("client state after connecting").isEqualTo(ClientState.CONNECTED);
        assertThat(UdpTestClients.await(() -> client.client.messages().isConnected())).isTrue();
        return client;
    }

    public void send(String channel, byte[] message) {
        assertThat(this.client.messages().send(channel, message)).as("queued on %s", channel).isTrue();
    }

    public void send(String channel, String text) {
        send(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next message on {@code channel}, or {@code null} after {@code millis}. */
    public byte[] receive(String channel, long millis) throws InterruptedException {
        return this.received[this.config.requireChannelId(channel)].poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next message on {@code channel}, or {@code null} after {@link UdpTestClients#MAX_WAIT_MILLIS}. */
    public byte[] receive(String channel) throws InterruptedException {
        return receive(channel, UdpTestClients.MAX_WAIT_MILLIS);
    }

    public String receiveText(String channel) throws InterruptedException {
        byte[] message = receive(channel);
        return (message != null) ? new String(message, StandardCharsets.UTF_8) : null;
    }

    public ClientState state() {
        return this.client.state();
    }

    /** The state once the client is no longer connecting or connected, waiting up to {@link UdpTestClients#MAX_WAIT_MILLIS}. */
    public ClientState awaitDisconnected() throws InterruptedException {
        return this.client.awaitState((s) -> !s.isActive(), UdpTestClients.MAX_WAIT_MILLIS);
    }

    public ConnectionStats stats() {
        return this.client.messages().stats();
    }

    @Override
    public void close() {
        this.client.close();
    }
}
