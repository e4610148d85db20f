package dev.netcode.boot.autoconfigure.fleet;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;

import dev.netcode.boot.fleet.RegionParameterFleetRequestCustomizer;
import dev.netcode.fleet.ServerDirectory;

/** The token endpoint's default shaping of fleet requests: the {@code region} request parameter. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ HttpServletRequest.class, Authentication.class })
@ConditionalOnBean(ServerDirectory.class)
class FleetRequestCustomizerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RegionParameterFleetRequestCustomizer netcodeRegionParameterFleetRequestCustomizer() {
        return new RegionParameterFleetRequestCustomizer();
    }

}
