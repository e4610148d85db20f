package dev.netcode.boot.autoconfigure.fleet;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.netcode.boot.autoconfigure.NetcodeProperties.Fleet.DirectoryType;
import dev.netcode.fleet.ServerDirectory;

/**
 * {@code netcode.fleet.directory=redis} when {@link RedisServerDirectoryConfiguration} could not
 * create the directory: start-up fails saying what is missing, rather than running a game server
 * no issuer can find or an issuer that sends everyone to the same addresses.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnFleetDirectory(DirectoryType.REDIS)
@ConditionalOnMissingBean(ServerDirectory.class)
class RedisServerDirectoryUnavailableConfiguration {

    private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

    private static final String REDIS_SERVER_DIRECTORY = "dev.netcode.fleet.redis.RedisServerDirectory";

    private static final String SWITCH_OFF = " Or set netcode.fleet.directory to in-memory (one process) or none.";

    @Bean
    @ConditionalOnMissingBean
    ServerDirectory netcodeServerDirectory(ApplicationContext context) {
        ClassLoader classLoader = context.getClassLoader();
        if (!ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
            throw new FailureAnalyzedException(
                    "netcode.fleet.directory is redis, but Spring Data Redis is not on the class path, so there is "
                            + "no RedisConnectionFactory to reach Redis with.",
                    "Add spring-boot-starter-data-redis to the application's dependencies and point "
                            + "spring.data.redis.* (host, port, password, or url) at your Redis." + SWITCH_OFF);
        }
        if (!ClassUtils.isPresent(REDIS_SERVER_DIRECTORY, classLoader)) {
            throw new FailureAnalyzedException(
                    "netcode.fleet.directory is redis, but netcode-fleet-redis (the directory's scripts) is not on "
                            + "the class path.",
                    "Depend on netcode-spring-boot-starter, which brings it, or add dev.netcode:netcode-fleet-redis."
                            + SWITCH_OFF);
        }
        throw new FailureAnalyzedException(
                "netcode.fleet.directory is redis, but the application has no single RedisConnectionFactory bean "
                        + "(none, or several without a @Primary one).",
                "Let spring-boot-starter-data-redis create one from spring.data.redis.* (host, port, password, or "
                        + "url), or mark one of yours @Primary." + SWITCH_OFF);
    }

}
