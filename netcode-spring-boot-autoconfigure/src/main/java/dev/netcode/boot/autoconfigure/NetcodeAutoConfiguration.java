package dev.netcode.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.management.HeapDumpWebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.NetcodeServerNotRunningException;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.server.NetcodeServer;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * The shared private key and a {@link ConnectTokenIssuer}: what a token-issuing backend needs,
 * with or without a game server in the same application. With a fleet (a {@link ServerDirectory}
 * bean, see {@code netcode.fleet.directory}) the issuer reserves a slot per token there, in
 * {@code netcode.fleet.policy} with {@code netcode.fleet.fallback-servers}. Both wipe their copies of the key when the
 * context closes ({@link AutoCloseable} beans). While it runs the key is in the heap, so a WARN says
 * so when the actuator exposes heap dumps over the web.
 */
@AutoConfiguration
@ConditionalOnClass(ConnectTokenGenerator.class)
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NetcodeAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    NetcodePrivateKey netcodePrivateKey(NetcodeProperties properties) {
        if (!StringUtils.hasText(properties.getPrivateKey())) {
            log.warn("No netcode.private-key is configured: using a random key generated at start-up. Connect tokens "
                    + "issued here only work with this instance's game server, and none survive a restart. Configure a "
                    + "shared key (for example from 'netcode-cli keygen') for separate issuers and servers.");
            return NetcodePrivateKey.generate();
        }
        return NetcodePrivateKey.decode(properties.getPrivateKey());
    }

    @Bean
    @ConditionalOnMissingBean
    ConnectTokenIssuer connectTokenIssuer(NetcodeProperties properties, NetcodePrivateKey privateKey,
            ObjectProvider<NetcodeServer> server, ObjectProvider<ServerDirectory> fleetDirectory) {
        long protocolId = NetcodeSettings.protocolId(properties);
        Duration expiry = Duration.ofSeconds(NetcodeSettings.tokenExpirySeconds(properties));
        Duration timeout = Duration.ofSeconds(NetcodeSettings.tokenTimeoutSeconds(properties));
        ServerDirectory directory = fleetDirectory.getIfUnique();
        if (directory != null) {
            return new ConnectTokenIssuer(new ConnectTokenGenerator(privateKey.bytes(), protocolId), directory,
                    properties.getFleet().getPolicy(), NetcodeSettings.fleetFallbackServers(properties), expiry,
                    timeout);
        }
        List<NetcodeAddress> configured = configuredServerAddresses(properties, server);
        // A server in this application knows its real addresses (port 0 is resolved when it binds).
        Supplier<List<NetcodeAddress>> addresses = configured.isEmpty()
                ? () -> addressesOfRunning(server.getObject()) : () -> configured;
        return new ConnectTokenIssuer(new ConnectTokenGenerator(privateKey.bytes(), protocolId), addresses, expiry,
                timeout);
    }

    /**
     * The addresses of this application's server while it runs. The web server starts before it and
     * stops after it, so token requests can arrive while it is not bound: they get a clear refusal,
     * never a token for a port nobody serves.
     */
    private static List<NetcodeAddress> addressesOfRunning(NetcodeServer server) {
        if (!server.isRunning()) {
            throw new NetcodeServerNotRunningException();
        }
        return server.serverAddresses();
    }

    /**
     * Only with the actuator on the class path, which is optional. The endpoint condition weighs access
     * (heapdump's default is none) and web exposure as the actuator itself does.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ HeapDumpWebEndpoint.class, ConditionalOnAvailableEndpoint.class })
    @ConditionalOnWebApplication
    static final class HeapDumpExposureWarning {

        @Bean
        @ConditionalOnAvailableEndpoint(endpoint = HeapDumpWebEndpoint.class, exposure = EndpointExposure.WEB)
        SmartInitializingSingleton netcodeHeapDumpExposureWarning() {
            return () -> log.warn("The actuator's heapdump endpoint is exposed over the web: a heap dump holds the "
                    + "netcode private key and the session keys of every connected player. Do not expose it in "
                    + "production: leave management.endpoint.heapdump.access at its default (none) or take "
                    + "heapdump out of management.endpoints.web.exposure.include.");
        }
    }

    private static List<NetcodeAddress> configuredServerAddresses(NetcodeProperties properties,
            ObjectProvider<NetcodeServer> server) {
        if (server.getIfAvailable() == null) {
            List<NetcodeAddress> addresses = NetcodeSettings.publicAddresses(properties);
            return addresses.isEmpty() ? List.of(NetcodeSettings.bindAddress(properties)) : addresses;
        }
        return List.of();
    }
}
