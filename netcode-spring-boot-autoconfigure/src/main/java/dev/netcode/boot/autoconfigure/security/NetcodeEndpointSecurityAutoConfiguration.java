package dev.netcode.boot.autoconfigure.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.StringUtils;

import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.endpoint.NetcodeEndpointAutoConfiguration;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Guards the {@link NetcodeEndpoint} when it is exposed over HTTP: it lists every player's IP
 * address and, with {@code management.endpoint.netcode.access=unrestricted}, disconnects players.
 *
 * <p>With Spring Security, one filter chain of its own, bean
 * {@code netcodeEndpointSecurityFilterChain}: it matches only the endpoint's paths
 * ({@code EndpointRequest.to(NetcodeEndpoint.class)}), requires role {@code netcode.endpoint.role}
 * (default {@code NETCODE_ADMIN}) over HTTP Basic, creates no session and has CSRF protection off.
 * Like {@code netcodeTokenSecurityFilterChain} it is ordered at
 * {@code SecurityFilterProperties.BASIC_AUTH_ORDER - 1}, before Spring Boot's default chains and
 * any unordered chain of the application, and registered after Boot's web security
 * auto-configuration, so it never switches Boot's default chains off. To decide differently (for
 * example to let anyone read the slot table), declare a {@link SecurityFilterChain} bean with that
 * name; like any chain of the application it also switches Boot's default chains off.
 *
 * <p>Without Spring Security nothing guards the endpoint, so a warning is logged once at start-up.
 */
@AutoConfiguration(after = NetcodeEndpointAutoConfiguration.class,
        afterName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(value = NetcodeEndpoint.class, exposure = EndpointExposure.WEB)
@ConditionalOnBean(NetcodeEndpoint.class)
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeEndpointSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NetcodeEndpointSecurityAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.SERVLET)
    @ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, EndpointRequest.class })
    static class EndpointSecurityFilterChainConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "netcodeEndpointSecurityFilterChain")
        @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
        SecurityFilterChain netcodeEndpointSecurityFilterChain(HttpSecurity http, NetcodeProperties properties) {
            String role = properties.getEndpoint().getRole();
            if (!StringUtils.hasText(role) || role.startsWith("ROLE_")) {
                throw new InvalidNetcodePropertyException("netcode.endpoint.role", String.valueOf(role),
                        "hasRole adds the 'ROLE_' prefix itself, so no caller could ever have this role",
                        "a role name without the 'ROLE_' prefix, for example NETCODE_ADMIN");
            }
            http.securityMatcher(EndpointRequest.to(NetcodeEndpoint.class));
            http.authorizeHttpRequests((requests) -> requests.anyRequest().hasRole(role));
            http.httpBasic(withDefaults());
            http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            // No session to ride on, and the one write (DELETE) never leaves a browser cross-site
            // without a CORS preflight; a Basic client has no CSRF token to send.
            http.csrf(CsrfConfigurer::disable);
            return http.build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.security.web.SecurityFilterChain")
    static class UnsecuredEndpointWarningConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "netcodeUnsecuredEndpointWarning")
        SmartInitializingSingleton netcodeUnsecuredEndpointWarning(NetcodeProperties properties) {
            return () -> log.warn("The netcode actuator endpoint is exposed over HTTP without Spring Security: anyone who can reach"
                    + " it sees every player's IP address (and, with management.endpoint.netcode.access=unrestricted,"
                    + " can disconnect players). Add spring-boot-starter-security (the endpoint then requires role {})"
                    + " or remove netcode from management.endpoints.web.exposure.include", properties.getEndpoint().getRole());
        }
    }
}
