package dev.netcode.boot.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;

import static org.assertj.core.api.Assertions.assertThat;

/** A real client on 127.0.0.1 of a {@link FleetTestApplication} game server, which echoes payloads. */
public final class EchoClient implements AutoCloseable {

    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private final NetcodeClient client;

    private EchoClient(byte[] token) {
        this.client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                EchoClient.this.replies.add(new String(buf, offset, length, StandardCharsets.UTF_8));
            }
        });
        this.client.connect(token);
    }

    /** A client that has connected with {@code token}; close it. */
    public static EchoClient connect(byte[] token) throws InterruptedException {
        EchoClient echo = start(token);
        try {
            echo.awaitConnected(UdpTestClients.MAX_WAIT_MILLIS);
        }
        catch (AssertionError ex) {
            echo.close();
            throw ex;
        }
        return echo;
    }

    /** A client that is connecting with {@code token} (see {@link #awaitConnected}); close it. */
    public static EchoClient start(byte[] token) {
        return new EchoClient(token);
    }

    /** Waits until connected, failing if the connection fails or takes longer than {@code millis}. */
    public void awaitConnected(long millis) throws InterruptedException {
        ClientState state = this.client.awaitState((s) -> s == ClientState.CONNECTED || s.isError(), millis);
        assertThat(state).as("client state after connecting").isEqualTo(ClientState.CONNECTED);
    }

    /**
     * Sends {@code text} until its echo comes back (payloads are unreliable), at most
     * {@link UdpTestClients#MAX_WAIT_MILLIS}; returns the echo, or {@code null} if none came.
     */
    public String echo(String text) throws InterruptedException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        String expected = "echo:" + text;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UdpTestClients.MAX_WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            this.client.sendPayload(payload, 0, payload.length);
            long resend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            for (String reply = this.replies.poll(200, TimeUnit.MILLISECONDS); reply != null
                    && System.nanoTime() < resend; reply = this.replies.poll(20, TimeUnit.MILLISECONDS)) {
                if (reply.equals(expected)) {
                    return reply;
                }
            }
        }
        return null;
    }

    public NetcodeClient client() {
        return this.client;
    }

    @Override
    public void close() {
        this.client.close();
    }

}
