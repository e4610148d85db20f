package dev.netcode.demo.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

/** What {@link FleetArenas} makes of its configuration, without starting anything. */
class FleetArenasTest {

    @Test
    void theArenasAreNumberedAfterTheStartersServer() {
        assertThat(FleetArenas.serverIds("netcode-demo-0a1b2c3d", 2))
            .containsExactly("netcode-demo-0a1b2c3d-2", "netcode-demo-0a1b2c3d-3");
        assertThat(FleetArenas.serverIds("x".repeat(62), 8)).last().isEqualTo("x".repeat(62) + "-9");
    }

    @Test
    void aServerIdWithNoRoomForTheArenasNumbersIsRefusedSayingWhatToChange() {
        assertThatIllegalStateException().isThrownBy(() -> FleetArenas.serverIds("x".repeat(62), 9))
            .withMessageContaining("netcode.fleet.server-id")
            .withMessageContaining("arena 10 would be '" + "x".repeat(62) + "-10', over 64 characters")
            .withMessageContaining("Shorten it");
    }

    @Test
    void arenasBindTheConfiguredAddresses() {
        assertThat(FleetArenas.bindAddresses(List.of("127.0.0.1:40001", "[::1]:0")))
            .containsExactly(NetcodeAddress.parse("127.0.0.1:40001"), NetcodeAddress.parse("[::1]:0"));
    }

    @Test
    void aWildcardOrMalformedArenaAddressIsRefusedNamingTheProperty() {
        assertThatIllegalStateException()
            .isThrownBy(() -> FleetArenas.bindAddresses(List.of("127.0.0.1:40001", "0.0.0.0:40002")))
            .withMessageStartingWith("demo.fleet.arenas[1] '0.0.0.0:40002' is a wildcard address")
            .withMessageEndingWith("give a concrete one, for example 127.0.0.1:40002");
        assertThatIllegalStateException().isThrownBy(() -> FleetArenas.bindAddresses(List.of("localhost:40001")))
            .withMessageStartingWith("demo.fleet.arenas[0] 'localhost:40001' is not an IP address and port");
    }
}
