package dev.netcode.boot.autoconfigure.fleet;

import java.time.InstantSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.NetcodeProperties.Fleet.DirectoryType;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.ServerDirectory;

/** {@code netcode.fleet.directory=in-memory}: one directory for the servers and issuers of this process. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnFleetDirectory(DirectoryType.IN_MEMORY)
class InMemoryServerDirectoryConfiguration {

    @Bean
    @ConditionalOnMissingBean(ServerDirectory.class)
    InMemoryServerDirectory netcodeServerDirectory(NetcodeProperties properties) {
        return new InMemoryServerDirectory(InstantSource.system(), NetcodeFleetSettings.timeToLive(properties));
    }

}
