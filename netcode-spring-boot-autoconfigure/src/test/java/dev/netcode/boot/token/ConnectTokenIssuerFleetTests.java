package dev.netcode.boot.token;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.fleet.NetcodeFleetFullException;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Tests for {@link ConnectTokenIssuer} with a fleet directory. */
class ConnectTokenIssuerFleetTests {

    private static final byte[] KEY = Bytes.fromHex("606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1");

    private static final long PROTOCOL_ID = 0x1122334455667788L;

    private final InMemoryServerDirectory directory = new InMemoryServerDirectory(InstantSource.system(),
            Duration.ofHours(1));

    @Test
    void eachTokenReservesOnTheFirstServerInPolicyOrderAndListsFallbacks() throws Exception {
        announce("a", 1, 4, Map.of("region", "eu"), 1);
        announce("b", 2, 4, Map.of("region", "eu"), 3);
        announce("c", 3, 4, Map.of("region", "us"), 0);
        ConnectTokenIssuer pack = issuer(SelectionPolicy.PACK, 1, System.currentTimeMillis() / 1000);
        IssuedConnectToken issued = pack.issue(10, null, (request) -> request.region("eu"));
        assertThat(issued.serverId()).isEqualTo("b");
        assertThat(issued.servers()).containsExactly(address(2), address(1));
        assertThat(ConnectToken.read(issued.token()).serverAddresses()).containsExactly(address(2), address(1));
        ConnectTokenIssuer spread = issuer(SelectionPolicy.SPREAD, 0, System.currentTimeMillis() / 1000);
        assertThat(spread.issue(11, null).servers()).containsExactly(address(3));
        // b is full now; a and c have 3 free slots each: the tie goes by id.
        assertThat(spread.issue(12, null, (request) -> request.withPolicy(SelectionPolicy.PACK)).serverId())
            .isEqualTo("a");
        assertThat(pack.reservationsMade()).isOne();
        assertThat(spread.reservationsMade()).isEqualTo(2);
    }

    @Test
    void shapingCannotChangeThePlayerTheProtocolOrTheExpiry() {
        announce("a", 1, 4, Map.of(), 0);
        ConnectTokenIssuer issuer = issuer(SelectionPolicy.PACK, 2, System.currentTimeMillis() / 1000);
        IssuedConnectToken issued = issuer.issue(10, null,
                (request) -> new FleetRequest(99, 666, Instant.now().plusSeconds(3600), Map.of(), request.policy(), 2));
        assertThat(issued.clientId()).isEqualTo(10);
        assertThat(this.directory.servers().get(0).reservedSlots()).isOne();
        // Client 10 holds the slot (asking again keeps its expiry, the token's); 666 holds none.
        assertThat(this.directory.reserve(FleetRequest.of(PROTOCOL_ID, 10, Instant.now())).get().expiresAt())
            .isEqualTo(issued.expiresAt());
        assertThat(this.directory.servers().get(0).reservedSlots()).isOne();
    }

    @Test
    void aReservationLastsUntilTheTokenExpiresEvenWhenTheGeneratorsSecondTurnedMeanwhile() throws Exception {
        announce("a", 1, 4, Map.of(), 0);
        // The generator's clock is a second ahead of the issuer's: its tokens expire a second later.
        ConnectTokenIssuer issuer = issuer(SelectionPolicy.PACK, 0, System.currentTimeMillis() / 1000 + 1);
        IssuedConnectToken issued = issuer.issue(10, null);
        assertThat(issued.expiresAt()).isEqualTo(Instant.ofEpochSecond(ConnectToken.read(issued.token()).expireTimestamp()));
        assertThat(this.directory.reserve(FleetRequest.of(PROTOCOL_ID, 10, Instant.now())).get().expiresAt())
            .isEqualTo(issued.expiresAt());
        assertThat(issuer.reservationsMade()).as("one token, one reservation counted").isOne();
        assertThat(this.directory.servers().get(0).reservedSlots()).isOne();
    }

    @Test
    void noRoomMeansNoTokenAndIsCounted() {
        announce("a", 1, 5, Map.of("region", "eu"), 5);
        ConnectTokenIssuer issuer = issuer(SelectionPolicy.PACK, 2, System.currentTimeMillis() / 1000);
        assertThatExceptionOfType(NetcodeFleetFullException.class).isThrownBy(() -> issuer.issue(10, null))
            .satisfies((ex) -> assertThat(ex.getLabels()).isEmpty());
        assertThatExceptionOfType(NetcodeFleetFullException.class)
            .isThrownBy(() -> issuer.issue(11, null, (request) -> request.region("us")))
            .withMessageContaining("region=us");
        assertThat(issuer.reservationsRefused()).isEqualTo(2);
        assertThat(issuer.issuedCount()).isZero();
    }

    private ConnectTokenIssuer issuer(SelectionPolicy policy, int fallbackServers, long generatorSeconds) {
        AtomicLong seconds = new AtomicLong(generatorSeconds);
        return new ConnectTokenIssuer(new ConnectTokenGenerator(KEY.clone(), PROTOCOL_ID, seconds::get), this.directory,
                policy, fallbackServers, Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    private void announce(String id, int port, int maxClients, Map<String, String> labels, int connected) {
        Set<Long> clients = new HashSet<>();
        for (long i = 0; i < connected; i++) {
            clients.add(1_000 + port * 100 + i);
        }
        this.directory.announce(new ServerAnnouncement(id, PROTOCOL_ID, List.of(address(port)), maxClients, clients,
                labels, Instant.now()));
    }

    private static NetcodeAddress address(int port) {
        return NetcodeAddress.parse("127.0.0.1:" + (50_000 + port));
    }

}
