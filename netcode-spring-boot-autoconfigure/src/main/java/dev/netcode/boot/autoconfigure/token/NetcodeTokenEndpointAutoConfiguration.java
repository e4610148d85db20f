package dev.netcode.boot.autoconfigure.token;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.DispatcherServlet;

import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.fleet.FleetRequestCustomizer;
import dev.netcode.boot.token.ClientIdResolver;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.ConnectTokenRateLimiter;
import dev.netcode.boot.token.NetcodeTokenController;
import dev.netcode.boot.token.PrincipalNameClientIdResolver;
import dev.netcode.boot.token.UserDataProvider;
import dev.netcode.server.NetcodeServer;

/**
 * The connect token endpoint, {@link NetcodeTokenController}, at {@code netcode.token.path}, in
 * a servlet web application with Spring MVC and a {@link ConnectTokenIssuer}. Spring Security must
 * be on the classpath too: without it no endpoint is registered, so a token-minting endpoint is
 * never open by accident. {@code NetcodeTokenSecurityAutoConfiguration} secures it. In a fleet,
 * the {@link FleetRequestCustomizer} beans shape each token's request, in order. With the
 * application's game server (a {@link NetcodeServer} bean) no token is issued for a client id that
 * is connected to it right now: 409 instead.
 */
@AutoConfiguration(after = NetcodeAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, SecurityFilterChain.class, HttpSecurity.class })
@ConditionalOnBean(ConnectTokenIssuer.class)
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeTokenEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClientIdResolver netcodeClientIdResolver() {
        return new PrincipalNameClientIdResolver();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "netcode.token.rate-limit.enabled", matchIfMissing = true)
    ConnectTokenRateLimiter netcodeTokenRateLimiter(NetcodeProperties properties) {
        return new ConnectTokenRateLimiter(properties.getToken().getRateLimit().getRequestsPerMinute());
    }

    @Bean
    @ConditionalOnMissingBean
    NetcodeTokenController netcodeTokenController(NetcodeProperties properties, ConnectTokenIssuer issuer,
            ClientIdResolver clientIdResolver, ObjectProvider<UserDataProvider> userDataProvider,
            ObjectProvider<ConnectTokenRateLimiter> rateLimiter,
            ObjectProvider<FleetRequestCustomizer> fleetRequestCustomizers, ObjectProvider<NetcodeServer> server) {
        String path = properties.getToken().getPath();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalStateException("netcode.token.path must start with '/', got '" + path + "'");
        }
        NetcodeProperties.Token.RateLimit rateLimit = properties.getToken().getRateLimit();
        NetcodeServer gameServer = server.getIfUnique();
        return new NetcodeTokenController(issuer, clientIdResolver, userDataProvider.getIfUnique(),
                rateLimit.isEnabled() ? rateLimiter.getIfUnique() : null,
                fleetRequestCustomizers.orderedStream().toList(), fleetRetryAfter(properties),
                (gameServer != null) ? NetcodeTokenController.clientsConnectedTo(gameServer) : (clientId) -> false);
    }

    /** {@code netcode.fleet.retry-after}: whole seconds, as the header carries them, at least 1. */
    private static Duration fleetRetryAfter(NetcodeProperties properties) {
        Duration retryAfter = properties.getFleet().getRetryAfter();
        if (retryAfter == null || retryAfter.getSeconds() < 1 || retryAfter.getNano() != 0) {
            throw new InvalidNetcodePropertyException("netcode.fleet.retry-after", String.valueOf(retryAfter),
                    "Retry-After carries whole seconds, and less than one would have clients ask again at once",
                    "a whole number of seconds, at least 1 (for example 5s)");
        }
        return retryAfter;
    }
}
