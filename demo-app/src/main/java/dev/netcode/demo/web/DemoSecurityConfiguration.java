package dev.netcode.demo.web;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.util.matcher.AndRequestMatcher;

import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.token.UserDataProvider;
import dev.netcode.demo.DemoProperties;

/**
 * Who may do what in the demo. Anyone may watch: the dashboard, the arena stream and the slot
 * table ({@code GET /actuator/netcode}). Players (HTTP Basic) get connect tokens from the starter's
 * endpoint, which the starter secures itself. Only ADMIN may disconnect a slot, and a browser only
 * with the CSRF token.
 */
@Configuration(proxyBeanMethods = false)
class DemoSecurityConfiguration {

    /**
     * Replaces the starter's rule for the netcode actuator endpoint (role NETCODE_ADMIN for
     * everything, bean of the same name): the dashboard shows the slot table to anyone, which only a
     * demo on localhost should; disconnecting stays with ADMIN.
     */
    @Bean
    @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
    SecurityFilterChain netcodeEndpointSecurityFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher(EndpointRequest.to(NetcodeEndpoint.class))
            .authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.GET).permitAll()
                    .anyRequest().hasRole("ADMIN"))
            .httpBasic(Customizer.withDefaults())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            // The dashboard's kick button is a DELETE from a browser: it must echo the XSRF-TOKEN
            // cookie (set on every answer of this chain) in an X-XSRF-TOKEN header. Scripts (curl, the
            // tests' HTTP client) send neither Origin nor Sec-Fetch-Site and carry their credentials
            // explicitly, so no page can make them act: they need no token.
            .csrf(csrf -> csrf.spa()
                .requireCsrfProtectionMatcher(new AndRequestMatcher(CsrfFilter.DEFAULT_CSRF_MATCHER,
                        DemoSecurityConfiguration::fromABrowser)));
        return http.build();
    }

    /** Browsers send Origin with every DELETE and Sec-Fetch-Site with every request they make. */
    static boolean fromABrowser(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.ORIGIN) != null || request.getHeader("Sec-Fetch-Site") != null;
    }

    @Bean
    SecurityFilterChain demoSecurityFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                .requestMatchers(HttpMethod.GET, "/", "/index.html", "/app.js", "/style.css", "/webjars/**", "/favicon.ico", "/arena/**",
                        "/actuator/health", "/actuator/health/**", "/error")
                .permitAll()
                .anyRequest().hasRole("ADMIN"))
            .httpBasic(Customizer.withDefaults())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            // Only stateless HTTP Basic calls change anything here, and they carry no cookie to forge.
            .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager demoUsers(DemoProperties properties) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        for (DemoProperties.Account account : properties.getUsers()) {
            users.createUser(User.withUsername(account.getName()).password(account.getPassword())
                    .roles(account.getRoles().toArray(String[]::new)).build());
        }
        return users;
    }

    /** Puts the user name into each token's user data, so the game can show it above the player. */
    @Bean
    UserDataProvider demoUserDataProvider() {
        return (authentication, clientId) -> Arrays.copyOf(authentication.getName().getBytes(StandardCharsets.UTF_8),
                Math.min(32, authentication.getName().getBytes(StandardCharsets.UTF_8).length));
    }
}
