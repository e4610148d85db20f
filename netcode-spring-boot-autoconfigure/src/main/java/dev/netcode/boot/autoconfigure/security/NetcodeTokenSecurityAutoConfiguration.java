package dev.netcode.boot.autoconfigure.security;

import java.time.Clock;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;

import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.token.NetcodeTokenEndpointAutoConfiguration;
import dev.netcode.boot.token.ClientAddressRateLimitFilter;
import dev.netcode.boot.token.ConnectTokenRateLimiter;
import dev.netcode.boot.token.NetcodeTokenController;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Secures the connect token endpoint with one filter chain of its own, bean
 * {@code netcodeTokenSecurityFilterChain}: it matches only {@code netcode.token.path}, requires
 * an authenticated caller over HTTP Basic, creates no session and has CSRF protection off (a
 * stateless Basic client has no CSRF token; the rest of the application keeps its own rules).
 * Unauthenticated requests get 401 with a {@code WWW-Authenticate} challenge. Before any of that,
 * a {@link ClientAddressRateLimitFilter} limits requests per client address
 * ({@code netcode.token.address-rate-limit.*}), so that guessing passwords from one machine is
 * slow and costs the server no password hashing past the limit.
 *
 * <p>The chain is ordered at {@code SecurityFilterProperties.BASIC_AUTH_ORDER - 1}, just before
 * Spring Boot's default chain and before any unordered chain of the application, which all keep
 * governing every other path. It is registered after Boot's web security auto-configuration, so
 * it never switches Boot's default chain off. To secure the endpoint differently, declare a
 * {@link SecurityFilterChain} bean with that name, using
 * {@link NetcodeTokenRequest#toTokenEndpoint()} as its security matcher; like any chain of the
 * application, it also switches Boot's default chain off. A second chain for the same path
 * instead would never be reached (or, adjacent with an equal matcher, fail Spring Security's
 * validation).
 *
 * <p>Without Spring Security's web configuration ({@code @EnableWebSecurity}, which Boot's
 * {@code ServletWebSecurityAutoConfiguration} adds) there is no {@code HttpSecurity} bean and the
 * application fails to start, rather than serving tokens unsecured.
 */
@AutoConfiguration(after = NetcodeTokenEndpointAutoConfiguration.class,
        afterName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class })
@ConditionalOnBean(NetcodeTokenController.class)
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeTokenSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "netcodeTokenSecurityFilterChain")
    @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
    SecurityFilterChain netcodeTokenSecurityFilterChain(HttpSecurity http, NetcodeProperties properties) {
        // String form: uses Boot's PathPatternRequestMatcher.Builder, which knows the DispatcherServlet path.
        http.securityMatcher(properties.getToken().getPath());
        http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
        http.httpBasic(withDefaults());
        http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.csrf(CsrfConfigurer::disable);
        NetcodeProperties.Token.AddressRateLimit addressRateLimit = properties.getToken().getAddressRateLimit();
        if (addressRateLimit.isEnabled()) {
            ConnectTokenRateLimiter limiter = new ConnectTokenRateLimiter(
                    atLeastOne("netcode.token.address-rate-limit.requests-per-minute",
                            addressRateLimit.getRequestsPerMinute()),
                    atLeastOne("netcode.token.address-rate-limit.max-addresses", addressRateLimit.getMaxAddresses()),
                    Clock.systemUTC());
            // Before every authentication filter, so a refused request costs no password hash; after the
            // header writer, so the 429 carries the usual security headers.
            http.addFilterAfter(new ClientAddressRateLimitFilter(limiter), HeaderWriterFilter.class);
        }
        return http.build();
    }

    /** A count the limiter cannot work with is a configuration error that names its property. */
    private static int atLeastOne(String property, int value) {
        if (value < 1) {
            throw new InvalidNetcodePropertyException(property, Integer.toString(value),
                    "the address rate limit would refuse every token request (or remember no address)",
                    "a whole number of at least 1, or set netcode.token.address-rate-limit.enabled=false");
        }
        return value;
    }
}
