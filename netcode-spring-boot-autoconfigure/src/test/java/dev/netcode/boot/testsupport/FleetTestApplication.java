package dev.netcode.boot.testsupport;

import java.nio.charset.StandardCharsets;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;

import dev.netcode.boot.listener.NetcodeListener;

/**
 * A whole application for the fleet tests: every auto-configuration, every user name a player
 * with {@link #PASSWORD} (user {@value #OPERATOR} also has role {@code NETCODE_ADMIN}), and a game
 * server (when enabled) that answers each payload with {@code echo:} and the payload.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class FleetTestApplication {

    public static final String PASSWORD = "fleet test players";

    public static final String OPERATOR = "operator";

    @Bean
    UserDetailsService players() {
        return (name) -> User.withUsername(name)
            .password("{noop}" + PASSWORD)
            .roles(OPERATOR.equals(name) ? new String[] { "PLAYER", "NETCODE_ADMIN" } : new String[] { "PLAYER" })
            .build();
    }

    @Bean
    Echo echo() {
        return new Echo();
    }

    /** Answers every payload. */
    static class Echo {

        @NetcodeListener
        byte[] onPayload(byte[] payload) {
            return ("echo:" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }

    }

}
