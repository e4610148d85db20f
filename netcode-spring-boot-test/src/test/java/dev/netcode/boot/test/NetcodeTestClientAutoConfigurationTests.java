package dev.netcode.boot.test;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessageConverterAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessagingAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;

/** When {@link NetcodeTestClientAutoConfiguration} adds what, without starting a server. */
class NetcodeTestClientAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                    NetcodeListenerAutoConfiguration.class, NetcodeMessageConverterAutoConfiguration.class,
                    NetcodeMessagingAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                    NetcodeTestClientAutoConfiguration.class))
            .withPropertyValues("netcode.server.bind-address=127.0.0.1:0");

    @Test
    void clientsOfTheServerOnRealUdpByDefault() {
        runner.run((context) -> {
            assertThat(context).hasSingleBean(NetcodeTestClients.class).doesNotHaveBean(NetcodeSimulation.class);
            assertThat(context.getBean(NetcodeTestClients.class).simulation()).isNull();
            assertThat(context.getBean(NetcodeServer.class).config().transportProvider()).isNull();
        });
    }

    @Test
    void withTheSimulatedNetworkTheServerIsMadeToBindItsProvider() {
        runner.withPropertyValues("netcode.test.network=simulated").run((context) -> {
            NetcodeSimulation simulation = context.getBean(NetcodeSimulation.class);
            assertThat(context.getBean(NetcodeTestClients.class).simulation()).isSameAs(simulation);
            assertThat(context.getBean(NetcodeServer.class).config().transportProvider().name()).isEqualTo("simulated");
        });
    }

    @Test
    void backsOffWithoutAServer() {
        runner.withPropertyValues("netcode.server.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(NetcodeTestClients.class));
    }
}
