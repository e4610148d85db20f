package dev.netcode.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

/**
 * What a server may announce. The directories' behaviour is one contract test, run on the
 * in-memory and the Redis directory: netcode-fleet-redis's {@code ServerDirectoryContractTest}.
 */
class ServerAnnouncementTest {

    private static final List<NetcodeAddress> ADDRESS = List.of(NetcodeAddress.parse("127.0.0.1:40000"));

    private static ServerAnnouncement announcement(String id, int maxClients, Set<Long> connected,
            Map<String, String> labels) {
        return new ServerAnnouncement(id, 0x1122334455667788L, ADDRESS, maxClients, connected, labels, Instant.EPOCH);
    }

    @Test
    void announcementsOutOfRangeAreRefusedNamingTheField() {
        assertThatThrownBy(() -> announcement("bad id", 4, Set.of(), Map.of())).hasMessageContaining("serverId");
        assertThatThrownBy(() -> announcement("a".repeat(65), 4, Set.of(), Map.of())).hasMessageContaining("serverId");
        assertThatThrownBy(() -> announcement("a", 0, Set.of(), Map.of())).hasMessageContaining("maxClients");
        assertThatThrownBy(() -> announcement("a", 4097, Set.of(), Map.of())).hasMessageContaining("maxClients");
        assertThatThrownBy(() -> announcement("a", 1, Set.of(1L, 2L), Map.of())).hasMessageContaining("connectedClientIds");
        assertThatThrownBy(() -> new ServerAnnouncement("a", 1, List.of(), 4, Set.of(), Map.of(), Instant.EPOCH))
            .hasMessageContaining("publicAddresses");
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 17; i++) {
            labels.put("k" + i, "v");
        }
        assertThatThrownBy(() -> announcement("a", 4, Set.of(), labels)).hasMessageContaining("labels");
        assertThatThrownBy(() -> announcement("a", 4, Set.of(), Map.of("", "v"))).hasMessageContaining("label keys");
    }

    @Test
    void aReservationsTokenListsEachAddressOnceReservedServerFirst() {
        FleetServer reserved = FleetServer.of(announcement("a", 4, Set.of(), Map.of()), 0);
        FleetServer other = new FleetServer("b", 1, List.of(NetcodeAddress.parse("127.0.0.1:40001"), ADDRESS.get(0)), 4,
                0, 0, Map.of(), Instant.EPOCH);
        FleetReservation reservation = new FleetReservation(reserved, List.of(other), 7, Instant.EPOCH);
        assertThat(reservation.tokenAddresses()).extracting(NetcodeAddress::toString)
            .containsExactly("127.0.0.1:40000", "127.0.0.1:40001");
    }
}
