package dev.netcode.reliability;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;

/**
 * A {@link NetcodeClient} on 127.0.0.1 that reports the outcome of each connect: the first state
 * after it that is {@link ClientState#CONNECTED} or an end (an error, including a token refused at
 * once, or disconnected). Waiting on
 * {@link NetcodeClient#awaitState} alone cannot tell the outcome of a reconnect from the end state
 * of the previous attempt, which the client is still in when the connect command is queued.
 */
final class TrackedClient implements ClientEventHandler, AutoCloseable {

    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");

    final NetcodeClient client;
    private final ClientEventHandler delegate;
    private ClientState outcome;

    TrackedClient(ClientEventHandler delegate) {
        this.delegate = delegate;
        this.client = NetcodeClient.start(LOCALHOST, this);
    }

    TrackedClient() {
        this(new ClientEventHandler() {
        });
    }

    void connect(byte[] token) {
        synchronized (this) {
            outcome = null;
        }
        client.connect(token);
    }

    /** The outcome of the last {@link #connect}, waiting up to {@code millis}; {@code null} if none yet. */
    synchronized ClientState awaitOutcome(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (outcome == null) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return outcome;
    }

    ClientState state() {
        return client.state();
    }

    @Override
    public void onStateChanged(ClientState previous, ClientState current) {
        if (current == ClientState.CONNECTED || current.isError() || (previous.isActive() && !current.isActive())) {
            synchronized (this) {
                if (outcome == null) {
                    outcome = current;
                    notifyAll();
                }
            }
        }
        delegate.onStateChanged(previous, current);
    }

    @Override
    public void onPayload(byte[] buf, int offset, int length, long sequence) {
        delegate.onPayload(buf, offset, length, sequence);
    }

    @Override
    public void close() {
        client.close();
    }
}
