package dev.netcode.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.testing.ProtocolHarness;
import dev.netcode.testing.ProtocolHarness.RecordingClient;
import dev.netcode.testing.ProtocolHarness.RecordingServer;
import dev.netcode.token.ConnectToken;
import dev.netcode.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handshake hardening beyond the reference, each attack played as an attacker would on the
 * simulated network: challenge tokens bound to their handshake, pending handshakes capped per
 * client id and per host, and the token history kept across a restart in the same second.
 */
class HandshakeHardeningTest {

    private static final String SERVER = "127.0.0.1:40000";

    private final ProtocolHarness h = new ProtocolHarness();
    private final RecordingServer recording = h.server(SERVER);
    private final ServerStateMachine server = recording.server();
    private final PacketCodec codec = new PacketCodec(ProtocolHarness.PROTOCOL_ID);
    private final byte[] out = new byte[NetcodeProtocol.MAX_PACKET_BYTES];

    @AfterEach
    void closeCodec() {
        codec.close();
    }

    // ---- challenge tokens are bound to their handshake ----------------------------------------

    /**
     * With one challenge fetched at its real address, an attacker used to complete a handshake from
     * a spoofed victim's address with a second token of its own, and the server then streamed
     * keep-alives (and game traffic) to the victim.
     */
    @Test
    void aChallengeFetchedAtOneAddressNeverConnectsAnotherAddress() {
        server.start(4);
        Attacker attacker = new Attacker("127.0.0.9:50000");
        Transport victim = h.network.endpoint(NetcodeAddress.parse("127.0.0.77:7777"));
        ConnectToken own = h.token(1, SERVER);
        ConnectToken second = h.token(2, SERVER);
        Challenge fetched = attacker.fetchChallenge(own);

        // The second token's request from the victim's address makes a mapping with its keys there ...
        inject("127.0.0.77:7777", requestWith(second));
        h.tick();
        // ... and the fetched challenge, echoed from there under those keys, is refused.
        inject("127.0.0.77:7777", fetched.responseUnder(second));
        h.tick();
        assertThat(server.dropCounters().get(DropReason.CHALLENGE_TOKEN_MISMATCH)).isOne();
        assertThat(server.connectedClientCount()).isZero();
        assertThat(recording.events().connected).isEmpty();

        // Nothing but the one challenge its spoofed request asked for ever reaches the victim.
        for (int i = 0; i < 30; i++) {
            h.tick();
        }
        assertThat(receivedBytes(victim)).isEqualTo(PacketCodec.bodyOffset(1L << 63) + PacketCodec.CHALLENGE_BODY_BYTES
                + NetcodeProtocol.MAC_BYTES);
    }

    /**
     * Whoever briefly held a player's token and got one challenge used to be able to connect as
     * that client id, with that user data, for the rest of the server's run, under the keys of any
     * token of its own.
     */
    @Test
    void aStolenChallengeNeverConnectsUnderAnotherTokenNorAfterItsTokenExpired() {
        server.start(4);
        ConnectToken players = h.token(7, SERVER);
        Challenge stolen = new Attacker("127.0.0.9:50000").fetchChallenge(players);

        // Under the keys of a fresh token of the attacker's own, from another address: refused.
        ConnectToken own = h.token(99, SERVER);
        inject("127.0.0.9:50001", requestWith(own));
        inject("127.0.0.9:50001", stolen.responseUnder(own));
        h.tick();
        assertThat(server.dropCounters().get(DropReason.CHALLENGE_TOKEN_MISMATCH)).isOne();

        // From the address it was fetched at, once the player's token expired: refused as expired.
        h.advanceUnixTime(ProtocolHarness.TOKEN_EXPIRY);
        inject("127.0.0.9:50000", stolen.responseUnder(players));
        h.tick();
        assertThat(server.dropCounters().get(DropReason.CHALLENGE_TOKEN_EXPIRED)).isOne();
        assertThat(recording.events().connected).isEmpty();
        assertThat(server.connectedClientCount()).isZero();
    }

    /** The challenge of one request of a token still completes that token's own handshake. */
    @Test
    void theChallengedAddressStillCompletesItsHandshake() {
        server.start(4);
        Attacker client = new Attacker("127.0.0.9:50000");
        ConnectToken token = h.token(3, SERVER);
        Challenge challenge = client.fetchChallenge(token);
        inject("127.0.0.9:50000", challenge.responseUnder(token));
        h.tick();
        assertThat(recording.events().connected).containsExactly(3L);
    }

    // ---- pending handshakes are capped --------------------------------------------------------

    /**
     * A few dozen accounts used to fill the 1,024 encryption mappings: every token they were issued
     * kept a pending handshake, from any (spoofed) address, for the token's whole life.
     */
    @Test
    void oneAccountKeepsOnePendingHandshakeSoAFewAccountsCannotFillTheMappings() {
        server.start(4);
        int accounts = 20;
        int tokensEach = 60; // 1,200 tokens: more than the 1,024 mappings, fewer than the 2,048 history entries
        int host = 0;
        for (int account = 0; account < accounts; account++) {
            for (int n = 0; n < tokensEach; n++) {
                host++;
                inject("127.2." + (host >> 8) + "." + (host & 0xFF) + ":40001", requestWith(h.token(1000 + account, SERVER)));
            }
        }
        assertThat(server.encryptionMappings().size()).isEqualTo(accounts);
        assertThat(server.statistics().handshakesSuperseded()).isEqualTo((long) accounts * (tokensEach - 1));
        assertThat(server.dropCounters().get(DropReason.ENCRYPTION_MAPPING_FULL)).isZero();

        // A real player still gets in.
        RecordingClient player = h.client("127.0.0.5:50005");
        player.client().connect(h.token(5, SERVER));
        assertThat(h.tickUntil(() -> player.state() == ClientState.CONNECTED, 30)).isTrue();
    }

    /** The newer handshake of a client id wins; the older one's token is refused from then on. */
    @Test
    void aNewerHandshakeOfTheSameClientIdGivesUpTheOlderOne() {
        server.start(4);
        ConnectToken first = h.token(11, SERVER);
        Challenge firstChallenge = new Attacker("127.0.0.9:50000").fetchChallenge(first);
        Attacker second = new Attacker("127.0.0.10:50000");
        Challenge secondChallenge = second.fetchChallenge(h.token(11, SERVER));
        assertThat(server.statistics().handshakesSuperseded()).isOne();

        inject("127.0.0.9:50000", firstChallenge.responseUnder(first));
        inject("127.0.0.9:50000", requestWith(first));
        h.tick();
        assertThat(server.dropCounters().get(DropReason.NO_KEY)).as("the older mapping is gone").isOne();
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).as("its token is spent").isOne();

        inject("127.0.0.10:50000", secondChallenge.responseUnder(secondChallenge.token));
        h.tick();
        assertThat(recording.events().connected).containsExactly(11L);
    }

    @Test
    void oneHostHasAtMostSixteenNewHandshakesPendingAndRetransmissionsAlwaysGetThrough() {
        server.start(64);
        int pendingLimit = ServerConfig.MAX_PENDING_PER_IP;
        List<Attacker> behindOneNat = new ArrayList<>();
        for (int i = 0; i < pendingLimit; i++) {
            Attacker player = new Attacker("127.0.0.20:" + (50000 + i));
            player.fetchChallenge(h.token(2000 + i, SERVER));
            behindOneNat.add(player);
        }
        inject("127.0.0.20:60000", requestWith(h.token(3000, SERVER)));
        assertThat(server.dropCounters().get(DropReason.TOO_MANY_PENDING_FROM_HOST)).isOne();
        // Any address of the same IPv6 /64 counts as the same host; another /64 does not.
        for (int i = 0; i < pendingLimit; i++) {
            inject("[fd00:1:2:3::" + Integer.toHexString(i + 1) + "]:40001", requestWith(h.token(4000 + i, SERVER)));
        }
        inject("[fd00:1:2:3:ffff::1]:40001", requestWith(h.token(4100, SERVER)));
        inject("[fd00:1:2:4::1]:40001", requestWith(h.token(4101, SERVER)));
        assertThat(server.dropCounters().get(DropReason.TOO_MANY_PENDING_FROM_HOST)).isEqualTo(2);

        // Retransmissions of the pending ones are answered; once one completes, the host may start another.
        Attacker first = behindOneNat.get(0);
        Challenge again = first.fetchChallenge(first.token);
        inject(first.address.toString(), again.responseUnder(first.token));
        h.tick();
        assertThat(recording.events().connected).containsExactly(2000L);
        inject("127.0.0.20:60000", requestWith(h.token(3000, SERVER)));
        assertThat(server.dropCounters().get(DropReason.TOO_MANY_PENDING_FROM_HOST)).isEqualTo(2);
    }

    /** Re-sent requests used to keep a handshake's mapping alive for the token's whole life. */
    @Test
    void retransmittedRequestsNeverExtendAPendingHandshake() {
        server.start(4);
        ConnectToken token = h.token(12, 30, 5, SERVER);
        NetcodeAddress from = NetcodeAddress.parse("127.0.0.9:50000");
        inject(from.toString(), requestWith(token));
        EncryptionMappings.Entry mapping = server.encryptionMappings().find(from, h.time());
        double expireTime = mapping.expireTime;
        assertThat(expireTime).isEqualTo(h.time() + 5);
        for (int i = 0; i < 40; i++) {
            h.tick();
            inject(from.toString(), requestWith(token));
        }
        assertThat(server.encryptionMappings().find(from, h.time()).expireTime).isEqualTo(expireTime);
        // Once it expired, a request still within the token's life starts a new five seconds.
        for (int i = 0; i < 20; i++) {
            h.tick();
            inject(from.toString(), requestWith(token));
        }
        assertThat(server.encryptionMappings().find(from, h.time()).expireTime).isGreaterThan(expireTime);
        assertThat(server.encryptionMappings().size()).isOne();
    }

    /** A pending handshake's mapping never outlives its token. */
    @Test
    void aPendingHandshakeEndsWhenItsTokenExpires() {
        server.start(4);
        ConnectToken token = h.token(13, 30, 15, SERVER);
        h.advanceUnixTime(27);
        NetcodeAddress from = NetcodeAddress.parse("127.0.0.9:50000");
        inject(from.toString(), requestWith(token));
        assertThat(server.encryptionMappings().find(from, h.time()).expireTime).isEqualTo(h.time() + 3);
    }

    // ---- restarts -----------------------------------------------------------------------------

    /**
     * The restart rule works in whole seconds: a used token presented to the same server after a
     * stop and start within one second passes it, and a second session under the same keys would
     * repeat every nonce of the first.
     */
    @Test
    void aRestartWithinTheSameSecondStillRefusesTokensUsedBefore() {
        server.start(4);
        ConnectToken used = h.token(21, SERVER);
        ConnectToken pending = h.token(22, SERVER);
        RecordingClient player = h.client("127.0.0.5:50005");
        player.client().connect(used);
        assertThat(h.tickUntil(() -> player.state() == ClientState.CONNECTED, 30)).isTrue();
        new Attacker("127.0.0.9:50000").fetchChallenge(pending);

        server.stop();
        server.start(4);
        assertThat(server.minConnectTokenExpireTimestamp()).as("the same second: the rule lets both through")
                .isEqualTo(used.expireTimestamp());
        inject("127.0.0.5:50005", requestWith(used));
        inject("127.0.0.9:50000", requestWith(pending));
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isEqualTo(2);
        assertThat(server.encryptionMappings().size()).isZero();

        // A server that replaces this one (as NetcodeServer does on restart) takes the history over.
        server.close();
        ServerStateMachine replacement = h.server(SERVER).server();
        replacement.carryOver(server);
        replacement.start(4);
        byte[] request = requestWith(used);
        replacement.onDatagram(NetcodeAddress.parse("127.0.0.5:50005"), request, 0, request.length);
        assertThat(replacement.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isOne();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private byte[] requestWith(ConnectToken token) {
        return Arrays.copyOf(out, codec.writeConnectionRequest(out, token));
    }

    /** Hands the server a datagram as if it came from {@code from} (whether or not that is true). */
    private void inject(String from, byte[] datagram) {
        server.onDatagram(NetcodeAddress.parse(from), datagram, 0, datagram.length);
    }

    private static long receivedBytes(Transport endpoint) {
        long[] bytes = new long[1];
        endpoint.receive((from, buf, offset, length) -> bytes[0] += length, Integer.MAX_VALUE);
        return bytes[0];
    }

    /** A challenge the server sent: its sequence and the sealed token, as a client would echo them. */
    private final class Challenge {
        final ConnectToken token;
        final long sequence;
        final byte[] sealed;

        Challenge(ConnectToken token, long sequence, byte[] sealed) {
            this.token = token;
            this.sequence = sequence;
            this.sealed = sealed;
        }

        /** A connection response echoing this challenge, sealed with {@code keys}' client-to-server key. */
        byte[] responseUnder(ConnectToken keys) {
            return Arrays.copyOf(out, codec.writeResponse(out, 1, sequence, sealed, 0, keys.clientToServerKey()));
        }
    }

    /** A raw endpoint that speaks the handshake by hand from its real address. */
    private final class Attacker {
        final NetcodeAddress address;
        final Transport endpoint;
        ConnectToken token;

        Attacker(String address) {
            this.address = NetcodeAddress.parse(address);
            this.endpoint = h.network.endpoint(this.address);
        }

        /** Sends a request with {@code token} and reads the challenge that comes back. */
        Challenge fetchChallenge(ConnectToken token) {
            this.token = token;
            int length = codec.writeConnectionRequest(out, token);
            endpoint.send(NetcodeAddress.parse(SERVER), out, 0, length);
            h.tick();
            Packet packet = new Packet();
            List<Challenge> challenges = new ArrayList<>();
            endpoint.receive((from, buf, offset, len) -> {
                byte[] copy = Arrays.copyOfRange(buf, offset, offset + len);
                if (codec.readEncrypted(copy, len, token.serverToClientKey(), PacketType.CLIENT_ALLOWED, null, packet)
                        && packet.type() == PacketType.CONNECTION_CHALLENGE) {
                    challenges.add(new Challenge(token, packet.challengeSequence(), Arrays.copyOfRange(copy,
                            packet.challengeTokenOffset(), packet.challengeTokenOffset()
                                    + NetcodeProtocol.CHALLENGE_TOKEN_BYTES)));
                }
            }, Integer.MAX_VALUE);
            assertThat(challenges).as("a challenge for %s", address).isNotEmpty();
            return challenges.get(challenges.size() - 1);
        }
    }
}
