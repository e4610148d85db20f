package dev.netcode.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessagingAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.fleet.NetcodeFleetAutoConfiguration;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.metrics.ConnectTokenIssuerMetrics;
import dev.netcode.boot.metrics.NetcodeConnectionMetrics;
import dev.netcode.boot.metrics.NetcodeFleetMetrics;
import dev.netcode.boot.metrics.NetcodeListenerMetrics;
import dev.netcode.boot.metrics.NetcodeServerMetrics;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.message.MessageServer;
import dev.netcode.server.NetcodeServer;

/**
 * Auto-configuration for netcode meters: {@link NetcodeServerMetrics} for the server,
 * {@link ConnectTokenIssuerMetrics} for the token issuer, {@link NetcodeListenerMetrics} for
 * listener dispatch and, with {@code netcode.channels}, {@link NetcodeConnectionMetrics} for the
 * connections' round-trip time, loss and bandwidth, and {@link NetcodeFleetMetrics} in a fleet,
 * each when its source bean exists. Boot binds
 * every {@link MeterBinder} bean to every registry.
 */
@AutoConfiguration(
        after = { NetcodeAutoConfiguration.class, NetcodeListenerAutoConfiguration.class,
                NetcodeMessagingAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeFleetAutoConfiguration.class },
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean(MeterRegistry.class)
public final class NetcodeMetricsAutoConfiguration {

    @Bean
    @ConditionalOnSingleCandidate(NetcodeServer.class)
    @ConditionalOnMissingBean
    NetcodeServerMetrics netcodeServerMetrics(NetcodeServer server) {
        return new NetcodeServerMetrics(server);
    }

    @Bean
    @ConditionalOnSingleCandidate(ConnectTokenIssuer.class)
    @ConditionalOnMissingBean
    ConnectTokenIssuerMetrics connectTokenIssuerMetrics(ConnectTokenIssuer issuer) {
        return new ConnectTokenIssuerMetrics(issuer);
    }

    @Bean
    @ConditionalOnSingleCandidate(MessageServer.class)
    @ConditionalOnMissingBean
    NetcodeConnectionMetrics netcodeConnectionMetrics(NetcodeServer server, MessageServer messageServer) {
        return new NetcodeConnectionMetrics(server, messageServer);
    }

    @Bean
    @ConditionalOnSingleCandidate(NetcodeListenerDispatcher.class)
    @ConditionalOnMissingBean
    NetcodeListenerMetrics netcodeListenerMetrics(NetcodeListenerDispatcher dispatcher) {
        return new NetcodeListenerMetrics(dispatcher);
    }

    @Bean
    @ConditionalOnSingleCandidate(NetcodeFleet.class)
    @ConditionalOnMissingBean
    NetcodeFleetMetrics netcodeFleetMetrics(NetcodeFleet fleet, ObjectProvider<ConnectTokenIssuer> issuer) {
        return new NetcodeFleetMetrics(fleet, issuer.getIfUnique());
    }

}
