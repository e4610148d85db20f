package dev.netcode.boot.listener;

import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.springframework.context.ApplicationContext;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real netcode client on UDP 127.0.0.1 that records what the server sends it, with a token from
 * the context's {@link ConnectTokenIssuer}; and bounded waits.
 */
final class ListenerTestClient implements AutoCloseable {

    static final long WAIT_MILLIS = 10_000;

    private final NetcodeClient client;

    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

    private ListenerTestClient(ApplicationContext context, long clientId) throws InterruptedException {
        this.client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), new ClientEventHandler() {

            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                received.add(Arrays.copyOfRange(buf, offset, offset + length));
            }
        });
        client.connect(context.getBean(ConnectTokenIssuer.class).issue(clientId, null).token());
    }

    /** A client of the context's server, connected as {@code clientId}; close it. */
    static ListenerTestClient connect(ApplicationContext context, long clientId) throws InterruptedException {
        ListenerTestClient client = new ListenerTestClient(context, clientId);
        ClientState state = client.client.awaitState((s) -> s == ClientState.CONNECTED || s.isError(), WAIT_MILLIS);
        if (state != ClientState.CONNECTED) {
            client.close();
        }
        assertThat(state).as("client %d after connecting", clientId).isEqualTo(ClientState.CONNECTED);
        return client;
    }

    void send(byte[] payload) {
        client.sendPayload(payload, 0, payload.length);
    }

    /** The next payload from the server, or {@code null} after {@link #WAIT_MILLIS}. */
    byte[] receive() throws InterruptedException {
        return received.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The next payload from the server, or {@code null} after {@code millis}. */
    byte[] receive(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    ClientState state() {
        return client.state();
    }

    /**
     * The state once it leaves CONNECTED, or CONNECTED if it stays so for {@code millis}.
     */
    ClientState stateAfterStayingConnectedFor(long millis) throws InterruptedException {
        return client.awaitState((s) -> s != ClientState.CONNECTED, millis);
    }

    ClientState awaitDisconnected() throws InterruptedException {
        return client.awaitState((s) -> !s.isActive(), WAIT_MILLIS);
    }

    void disconnect() {
        client.disconnect();
    }

    @Override
    public void close() {
        client.close();
    }

    /** Waits up to {@link #WAIT_MILLIS} for {@code condition}; returns whether it held. */
    static boolean await(BooleanSupplier condition) throws InterruptedException {
        return UdpTestClients.await(condition, WAIT_MILLIS);
    }
}
