package dev.netcode.reliability;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.packet.DropReason;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for a token-history bug found while writing the soak test: a handshake may
 * complete after its token expired (the reference's connection response carries no expiry), and by
 * then the token's history entry may have been reused for another client's token. Completing the
 * handshake used to mark that entry consumed, so the other client's own, unused token was refused
 * ({@link DropReason#TOKEN_ALREADY_USED}) and it timed out. Since challenge tokens carry their
 * connect token's expiry and history entry, the late response is refused outright
 * ({@link DropReason#CHALLENGE_TOKEN_EXPIRED}) and the entry stays the other client's.
 */
class LateHandshakeTokenEntryTest {

    private static final String SERVER = "10.0.0.1:40000";

    @Test
    void handshakeCompletingAfterItsTokenExpiredIsRefusedAndLeavesTheEntryToAnotherClientsToken() {
        ProtocolHarness h = new ProtocolHarness();
        ServerStateMachine server = h.server(SERVER).server();
        server.start(4);
        RecordingClient late = h.client("127.0.0.1:50001");
        RecordingClient other = h.client("127.0.0.1:50002");
        NetcodeAddress lateAddress = late.client().localAddress();
        NetcodeAddress otherAddress = other.client().localAddress();
        AtomicBoolean holdLate = new AtomicBoolean();
        AtomicBoolean holdOther = new AtomicBoolean(true);
        h.network.setFilter((from, to, buf, offset, length) -> !(from.equals(lateAddress) && holdLate.get())
                && !(to.equals(otherAddress) && holdOther.get()));

        // A token one second from expiry takes history entry 0; its client gets the challenge, then its
        // responses are held up while the token expires.
        var lateToken = h.token(1, SERVER);
        h.advanceUnixTime(ProtocolHarness.TOKEN_EXPIRY - 1);
        late.client().connect(lateToken);
        assertThat(h.tickUntil(() -> late.state() == ClientState.SENDING_CONNECTION_RESPONSE, 20)).isTrue();
        holdLate.set(true);
        h.advanceUnixTime(1);

        // Another client's fresh token reuses the expired entry 0 (its challenges are held up for now).
        other.client().connect(h.token(2, SERVER));
        h.tick();
        h.tick();

        // The late responses arrive: the reference would let them complete the handshake; ours refuses them ...
        holdLate.set(false);
        assertThat(h.tickUntil(() -> server.dropCounters().get(DropReason.CHALLENGE_TOKEN_EXPIRED) > 0, 20)).isTrue();
        assertThat(late.state()).isEqualTo(ClientState.SENDING_CONNECTION_RESPONSE);
        // ... and the other client, retransmitting its request, gets in with the entry its token took.
        holdOther.set(false);
        assertThat(h.tickUntil(() -> other.state() == ClientState.CONNECTED || other.state().isError(), 300)).isTrue();
        assertThat(other.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(h.tickUntil(() -> late.state().isError(), 300)).isTrue();
        assertThat(server.connectedClientCount()).isEqualTo(1);
        assertThat(server.slot(0).clientId()).isEqualTo(2L);
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isZero();
    }
}
