package dev.netcode.boot.autoconfigure.fleet;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.fleet.FleetListing;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.boot.server.NetcodeServerLifecycle;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.server.NetcodeServer;

/**
 * The fleet, when {@code netcode.fleet.directory} is {@code in-memory} or {@code redis} (through
 * the application's {@code RedisConnectionFactory}), or when the application defines its own
 * {@link ServerDirectory}, which then replaces the one configured. With it the token issuer
 * reserves a slot per token, this application's game server (if enabled) is listed while it runs,
 * and {@link NetcodeFleet} tells the actuator what the fleet looks like from here. Without any,
 * nothing here is created.
 */
@AutoConfiguration(after = NetcodeServerAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(ServerDirectory.class)
@EnableConfigurationProperties(NetcodeProperties.class)
// In this order: a directory, then the failure when redis could not have one, then what needs one.
@Import({ InMemoryServerDirectoryConfiguration.class, RedisServerDirectoryConfiguration.class,
        RedisServerDirectoryUnavailableConfiguration.class, FleetRequestCustomizerConfiguration.class })
public final class NetcodeFleetAutoConfiguration {

    @Bean
    @ConditionalOnSingleCandidate(ServerDirectory.class)
    @ConditionalOnBean(NetcodeServer.class)
    @ConditionalOnBooleanProperty(name = "netcode.server.enabled", matchIfMissing = true)
    @ConditionalOnMissingBean
    FleetListing netcodeFleetListing(ServerDirectory directory, NetcodeProperties properties,
            Environment environment) {
        return new FleetListing(directory, NetcodeFleetSettings.serverId(properties, environment),
                NetcodeFleetSettings.labels(properties), NetcodeFleetSettings.heartbeatInterval(properties));
    }

    @Bean
    @ConditionalOnSingleCandidate(ServerDirectory.class)
    @ConditionalOnMissingBean
    NetcodeFleet netcodeFleet(ServerDirectory directory, ObjectProvider<NetcodeServerLifecycle> serverLifecycle) {
        return new NetcodeFleet(directory, serverLifecycle.getIfUnique());
    }

}
