package dev.netcode.boot.autoconfigure.endpoint;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.FleetDescriptor;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.NetcodeServerDescriptor;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.fleet.NetcodeFleetAutoConfiguration;
import dev.netcode.fleet.DirectoryStatistics;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetReservation;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.fleet.ServerDirectory;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for the fleet section of the endpoint {@link NetcodeEndpointAutoConfiguration} creates. */
class NetcodeFleetEndpointAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeFleetAutoConfiguration.class, NetcodeEndpointAutoConfiguration.class))
        .withPropertyValues("netcode.protocol-id=0x1122334455667788", "netcode.server.bind-address=127.0.0.1:0",
                "netcode.server.max-clients=3", "management.endpoints.web.exposure.include=netcode");

    @Test
    void aGameServerInAFleetShowsTheFleetBesideItsSlots() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.server-id=arena-e")
            .run((context) -> {
                NetcodeServerDescriptor descriptor = context.getBean(NetcodeEndpoint.class).server();
                assertThat(descriptor.isRunning()).isTrue();
                FleetDescriptor fleet = descriptor.getFleet();
                assertThat(fleet.getDirectory()).isEqualTo("in-memory");
                assertThat(fleet.getServerId()).isEqualTo("arena-e");
                assertThat(fleet.getListed()).isTrue();
                assertThat(fleet.getServers()).singleElement()
                    .satisfies((server) -> assertThat(server.getFreeSlots()).isEqualTo(3));
                assertThat(fleet.getTotals().getMaxClients()).isEqualTo(3);
                assertThat(fleet.getError()).isNull();
            });
    }

    @Test
    void aTokenIssuerWithoutAServerHasTheEndpointWithTheFleetOnly() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.server.enabled=false")
            .run((context) -> {
                NetcodeServerDescriptor descriptor = context.getBean(NetcodeEndpoint.class).server();
                assertThat(descriptor.isRunning()).isFalse();
                assertThat(descriptor.getProtocolId()).isEqualTo("0x1122334455667788");
                assertThat(descriptor.getClients()).isEmpty();
                assertThat(descriptor.getTotals()).isNull();
                assertThat(descriptor.getFleet().getServerId()).isNull();
                assertThat(descriptor.getFleet().getServers()).isEmpty();
                assertThat(context.getBean(NetcodeEndpoint.class).disconnect(0, "1").isDisconnected()).isFalse();
            });
    }

    @Test
    void aDirectoryThatRefusesToBeReadLeavesTheRestOfTheEndpointAnsweringWithTheReason() {
        this.contextRunner.withBean(ServerDirectory.class, RefusingDirectory::new).run((context) -> {
            NetcodeServerDescriptor descriptor = context.getBean(NetcodeEndpoint.class).server();
            assertThat(descriptor.isRunning()).isTrue();
            assertThat(descriptor.getFleet().getServers()).isEmpty();
            assertThat(descriptor.getFleet().getError()).isEqualTo(
                    "The fleet's directory could not be read: Redis refused servers.lua: CROSSSLOT Keys in request don't hash to the same slot");
        });
    }

    /** Reachable, but every read fails as a Redis Cluster would with keys outside one slot. */
    static final class RefusingDirectory implements ServerDirectory {

        @Override
        public void announce(ServerAnnouncement server) {
        }

        @Override
        public void withdraw(String serverId) {
        }

        @Override
        public Optional<FleetReservation> reserve(FleetRequest request) {
            return Optional.empty();
        }

        @Override
        public List<FleetServer> servers() {
            throw new IllegalStateException("Redis refused servers.lua: CROSSSLOT Keys in request don't hash to the same slot");
        }

        @Override
        public DirectoryStatistics statistics() {
            return new DirectoryStatistics(0, 0, 0, 0, 0);
        }
    }

    @Test
    void withoutAFleetTheDescriptorHasNoFleetAndAnIssuerHasNoEndpoint() {
        this.contextRunner.run((context) -> assertThat(context.getBean(NetcodeEndpoint.class).server().getFleet()).isNull());
        this.contextRunner.withPropertyValues("netcode.server.enabled=false",
                "netcode.server.public-addresses=127.0.0.1:40000")
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeEndpoint.class));
    }

}
