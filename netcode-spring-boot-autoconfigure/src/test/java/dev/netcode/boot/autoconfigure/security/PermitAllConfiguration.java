package dev.netcode.boot.autoconfigure.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application chain that lets every request through, as a careless application might declare:
 * the starter's own chains must keep guarding their paths anyway.
 */
@Configuration(proxyBeanMethods = false)
class PermitAllConfiguration {

    @Bean
    SecurityFilterChain permitAllSecurityFilterChain(HttpSecurity http) {
        http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
        return http.build();
    }
}
