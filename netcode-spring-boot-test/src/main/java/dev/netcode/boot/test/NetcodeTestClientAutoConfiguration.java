package dev.netcode.boot.test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessagingAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.server.NetcodeServerCustomizer;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.message.MessageServer;
import dev.netcode.server.NetcodeServer;

/**
 * What {@link AutoConfigureNetcodeTestClient @AutoConfigureNetcodeTestClient} imports: the
 * {@link NetcodeTestClients} of the application's server and, with
 * {@code netcode.test.network=simulated}, the {@link NetcodeSimulation} the server is put on.
 */
@AutoConfiguration(after = { NetcodeAutoConfiguration.class, NetcodeMessagingAutoConfiguration.class,
        NetcodeServerAutoConfiguration.class })
@ConditionalOnBean({ NetcodeServer.class, ConnectTokenIssuer.class })
public final class NetcodeTestClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    NetcodeTestClients netcodeTestClients(ConnectTokenIssuer issuer, ObjectProvider<MessageServer> messageServer,
            ObjectProvider<NetcodeSimulation> simulation) {
        MessageServer messages = messageServer.getIfAvailable();
        return new NetcodeTestClients(issuer, (messages != null) ? messages.config() : null,
                simulation.getIfAvailable());
    }

    /** Puts the auto-configured server on a simulated network: its customizer is read when the server is made. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "netcode.test.network", havingValue = "simulated")
    static final class Simulated {

        @Bean
        @ConditionalOnMissingBean
        NetcodeSimulation netcodeSimulation() {
            return new NetcodeSimulation();
        }

        @Bean
        NetcodeServerCustomizer netcodeSimulatedTransport(NetcodeSimulation simulation) {
            return (builder) -> builder.transportProvider(simulation.transportProvider());
        }
    }
}
