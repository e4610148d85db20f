package com.example.game;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** Players for development only: real players log in the way the README's JWT recipe shows. */
@Configuration(proxyBeanMethods = false)
class DevelopmentUsers {

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}secret").roles("PLAYER").build(),
                User.withUsername("operator").password("{noop}operator-secret").roles("NETCODE_ADMIN").build());
    }
}
