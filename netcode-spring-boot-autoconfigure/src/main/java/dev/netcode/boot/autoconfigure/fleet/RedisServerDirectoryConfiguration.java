package dev.netcode.boot.autoconfigure.fleet;

import java.time.InstantSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.NetcodeProperties.Fleet.DirectoryType;
import dev.netcode.boot.fleet.SpringDataRedisScriptExecutor;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.RedisServerDirectory;

/**
 * {@code netcode.fleet.directory=redis}: the directory in the Redis of the application's
 * {@link RedisConnectionFactory} (Spring Boot's, from {@code spring.data.redis.*}). The directory's
 * {@code close()} leaves the factory open: it belongs to the application.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnFleetDirectory(DirectoryType.REDIS)
@ConditionalOnClass({ RedisConnectionFactory.class, RedisServerDirectory.class })
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
class RedisServerDirectoryConfiguration {

    @Bean
    @ConditionalOnMissingBean(ServerDirectory.class)
    RedisServerDirectory netcodeServerDirectory(RedisConnectionFactory redisConnectionFactory,
            NetcodeProperties properties) {
        return new RedisServerDirectory(new SpringDataRedisScriptExecutor(redisConnectionFactory),
                NetcodeFleetSettings.redisKeyPrefix(properties), NetcodeFleetSettings.timeToLive(properties),
                InstantSource.system());
    }

}
