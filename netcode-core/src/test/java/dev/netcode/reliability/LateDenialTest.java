package dev.netcode.reliability;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.packet.PacketType;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for a client bug found by the soak test: a "denied" packet that is late (the
 * server was full when it answered an earlier request, then a slot freed and a retransmitted request
 * got the client in) and arrives in the same receive batch just before the server's first keep-alive
 * used to take the client from CONNECTED straight to CONNECTION_DENIED, silently (no disconnect
 * packets), leaving its slot on the server until the timeout. The keep-alive proves the server
 * admitted the client, so a denial pending from the handshake is dropped when it connects; a denial
 * arriving after the keep-alive was already ignored.
 */
class LateDenialTest {

    private static final String SERVER = "10.0.0.1:40000";

    @Test
    void aDenialOvertakenByTheFirstKeepAliveDoesNotUndoTheConnection() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        server.start(1);
        RecordingClient first = h.client();
        first.client().connect(h.token(1, SERVER));
        assertThat(h.tickUntil(() -> first.state() == ClientState.CONNECTED, 20)).isTrue();

        RecordingClient late = h.client();
        NetcodeAddress lateAddress = late.client().localAddress();
        AtomicReference<byte[]> denied = new AtomicReference<>();
        AtomicReference<byte[]> keepAlive = new AtomicReference<>();
        AtomicBoolean hold = new AtomicBoolean(true);
        h.network.setFilter((from, to, buf, offset, length) -> {
            if (!to.equals(lateAddress) || !hold.get()) {
                return true;
            }
            int type = buf[offset] & 0x0F;
            if (type == PacketType.CONNECTION_DENIED.value() && denied.get() == null) {
                denied.set(Arrays.copyOfRange(buf, offset, offset + length));
                return false;
            }
            if (type == PacketType.KEEP_ALIVE.value() && keepAlive.get() == null) {
                keepAlive.set(Arrays.copyOfRange(buf, offset, offset + length));
                return false;
            }
            return type != PacketType.CONNECTION_DENIED.value();
        });
        late.client().connect(h.token(2, SERVER));
        assertThat(h.tickUntil(() -> denied.get() != null, 20)).as("the full server denies").isTrue();
        first.client().disconnect();
        assertThat(h.tickUntil(() -> keepAlive.get() != null, 50)).as("a retransmitted request gets in").isTrue();
        assertThat(late.state()).isEqualTo(ClientState.SENDING_CONNECTION_RESPONSE);

        // The late denial and the first keep-alive arrive together, in that order.
        NetcodeAddress serverAddress = NetcodeAddress.parse(SERVER);
        late.client().onDatagram(serverAddress, denied.get().clone(), 0, denied.get().length);
        late.client().onDatagram(serverAddress, keepAlive.get().clone(), 0, keepAlive.get().length);
        hold.set(false);
        h.tick();
        assertThat(late.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(late.events().states).doesNotContain(ClientState.CONNECTION_DENIED);
        for (int i = 0; i < 30; i++) {
            h.tick();
        }
        assertThat(late.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(server.connectedClientCount()).isEqualTo(1);
    }
}
