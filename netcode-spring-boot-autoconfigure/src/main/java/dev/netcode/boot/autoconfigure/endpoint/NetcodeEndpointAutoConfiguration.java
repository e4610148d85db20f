package dev.netcode.boot.autoconfigure.endpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpointWebExtension;
import dev.netcode.boot.autoconfigure.NetcodeMessagingAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.fleet.NetcodeFleetAutoConfiguration;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.message.MessageServer;
import dev.netcode.server.NetcodeServer;

/**
 * Auto-configuration for the {@link NetcodeEndpoint}: present when the actuator is on the class
 * path, the endpoint is available (accessible and exposed, for example
 * {@code management.endpoints.web.exposure.include=netcode}) and the context holds one
 * {@link NetcodeServer}, or, on a token issuer without one, a {@link NetcodeFleet}; in a fleet it
 * shows the fleet too. Its access is read-only unless
 * {@code management.endpoint.netcode.access=unrestricted} also allows the disconnect operation;
 * exposed over the web, it comes with its {@link NetcodeEndpointWebExtension}, which answers a
 * disconnect that changed nothing with 409 Conflict. {@code NetcodeEndpointSecurityAutoConfiguration}
 * decides who may use it over HTTP.
 */
@AutoConfiguration(after = { NetcodeServerAutoConfiguration.class, NetcodeMessagingAutoConfiguration.class,
        NetcodeFleetAutoConfiguration.class })
@ConditionalOnClass({ NetcodeServer.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(NetcodeEndpoint.class)
public final class NetcodeEndpointAutoConfiguration {

    @Bean
    @ConditionalOnSingleCandidate(NetcodeServer.class)
    @ConditionalOnMissingBean
    NetcodeEndpoint netcodeEndpoint(NetcodeServer server, ObjectProvider<MessageServer> messageServer,
            ObjectProvider<NetcodeFleet> fleet) {
        return new NetcodeEndpoint(server, messageServer.getIfUnique(), fleet.getIfUnique());
    }

    /** Declared after {@link #netcodeEndpoint}, so it is only considered when that one is not there. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({ NetcodeFleet.class, ConnectTokenIssuer.class })
    NetcodeEndpoint netcodeFleetEndpoint(NetcodeFleet fleet, ConnectTokenIssuer issuer) {
        return new NetcodeEndpoint(issuer.protocolId(), fleet);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(NetcodeEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    NetcodeEndpointWebExtension netcodeEndpointWebExtension(NetcodeEndpoint netcodeEndpoint) {
        return new NetcodeEndpointWebExtension(netcodeEndpoint);
    }

}
