package dev.netcode.boot.testsupport;

import java.util.function.BooleanSupplier;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real netcode clients on UDP 127.0.0.1 for tests, and bounded waits.
 */
public final class UdpTestClients {

    /** Longest any test waits for the network. */
    public static final long MAX_WAIT_MILLIS = 5_000;

    private UdpTestClients() {
    }

    /** A client bound to 127.0.0.1 that has connected with {@code connectToken}; close it. */
    public static NetcodeClient connect(byte[] connectToken) throws InterruptedException {
        NetcodeClient client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), new ClientEventHandler() {
        });
        client.connect(connectToken);
        ClientState state = client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), MAX_WAIT_MILLIS);
        assertThat(state).as("client state after connecting").isEqualTo(ClientState.CONNECTED);
        return client;
    }

    /** Waits up to {@link #MAX_WAIT_MILLIS} for {@code condition}; returns whether it held. */
    public static boolean await(BooleanSupplier condition) throws InterruptedException {
        return await(condition, MAX_WAIT_MILLIS);
    }

    /** Waits up to {@code millis} for {@code condition}, polling every 5 ms; returns whether it held. */
    public static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
