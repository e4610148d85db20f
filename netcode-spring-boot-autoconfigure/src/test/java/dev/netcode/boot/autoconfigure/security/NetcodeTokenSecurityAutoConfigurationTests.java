package dev.netcode.boot.autoconfigure.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.context.WebApplicationContext;

import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.token.NetcodeTokenEndpointAutoConfiguration;
import dev.netcode.boot.token.ClientAddressRateLimitFilter;
import dev.netcode.boot.token.NetcodeTokenController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Tests for {@link NetcodeTokenSecurityAutoConfiguration} and {@link NetcodeTokenRequest}.
 */
class NetcodeTokenSecurityAutoConfigurationTests {

    private static final String CHAIN = "netcodeTokenSecurityFilterChain";

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                NetcodeTokenEndpointAutoConfiguration.class, NetcodeTokenSecurityAutoConfiguration.class,
                SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
                DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
        .withUserConfiguration(UsersConfiguration.class)
        .withPropertyValues("netcode.server.enabled=false", "netcode.server.bind-address=127.0.0.1:0",
                "netcode.private-key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void ordersTheTokenChainJustBeforeBootsDefaultChain() throws Exception {
        this.contextRunner.run((context) -> {
            assertThat(context).hasBean(CHAIN).hasBean("defaultSecurityFilterChain");
            List<SecurityFilterChain> chains = context.getBeanProvider(SecurityFilterChain.class)
                .orderedStream()
                .toList();
            assertThat(chains).containsExactly(context.getBean(CHAIN, SecurityFilterChain.class),
                    context.getBean("defaultSecurityFilterChain", SecurityFilterChain.class));
        });
        Order order = NetcodeTokenSecurityAutoConfiguration.class
            .getDeclaredMethod(CHAIN, HttpSecurity.class, NetcodeProperties.class)
            .getAnnotation(Order.class);
        assertThat(order.value()).isEqualTo(SecurityFilterProperties.BASIC_AUTH_ORDER - 1);
    }

    @Test
    void anonymousTokenRequestIsChallengedWithBasic() {
        this.contextRunner.run((context) -> {
            MockHttpServletResponse response = exchange(context, "POST", "/netcode/token", null).response();
            assertThat(HttpStatus.valueOf(response.getStatus())).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(response.getHeader(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
            assertThat(status(context, "GET", "/netcode/token", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
        });
    }

    @Test
    void validCredentialsReachTheTokenEndpointWithoutCsrfTokenOrSession() {
        this.contextRunner.run((context) -> {
            Exchange exchange = exchange(context, "POST", "/netcode/token", basic("alice", "alice-secret"));
            assertThat(HttpStatus.valueOf(exchange.response().getStatus())).isEqualTo(HttpStatus.OK);
            assertThat(exchange.request().getSession(false)).isNull();
        });
    }

    @Test
    void wrongPasswordIsUnauthorized() {
        this.contextRunner.run((context) -> assertThat(
                status(context, "POST", "/netcode/token", basic("alice", "wrong"))).isEqualTo(HttpStatus.UNAUTHORIZED));
    }

    @Test
    void otherPathsStayUnderBootsDefaultChain() {
        this.contextRunner.run((context) -> {
            assertThat(status(context, "GET", "/other", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, "GET", "/netcode/token/more", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, "GET", "/other", basic("alice", "alice-secret"))).isEqualTo(HttpStatus.OK);
            // CSRF protection is off for the token chain only.
            assertThat(status(context, "POST", "/other", basic("alice", "alice-secret")))
                .isEqualTo(HttpStatus.FORBIDDEN);
        });
    }

    @Test
    void tokenPathStaysSecuredWhenTheUserChainPermitsEverything() {
        this.contextRunner.withUserConfiguration(PermitAllConfiguration.class).run((context) -> {
            assertThat(context).hasBean(CHAIN).doesNotHaveBean("defaultSecurityFilterChain");
            assertThat(status(context, "GET", "/other", null)).isEqualTo(HttpStatus.OK);
            assertThat(status(context, "POST", "/netcode/token", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, "POST", "/netcode/token", basic("alice", "alice-secret")))
                .isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void userDefinedChainWithTheSameNameWins() {
        this.contextRunner.withUserConfiguration(AdminOnlyTokenChainConfiguration.class).run((context) -> {
            // Any SecurityFilterChain of the application switches Boot's default chain off.
            assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys(CHAIN);
            assertThat(status(context, "POST", "/netcode/token", basic("alice", "alice-secret")))
                .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(status(context, "POST", "/netcode/token", basic("carol", "carol-secret")))
                .isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void securesTheConfiguredPath() {
        this.contextRunner.withPropertyValues("netcode.token.path=/api/token").run((context) -> {
            assertThat(status(context, "POST", "/api/token", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, "POST", "/api/token", basic("alice", "alice-secret"))).isEqualTo(HttpStatus.OK);
            // The old path is an ordinary path now, under the default chain (CSRF on).
            assertThat(status(context, "POST", "/netcode/token", basic("alice", "alice-secret")))
                .isEqualTo(HttpStatus.FORBIDDEN);
        });
    }

    @Test
    void followsTheDispatcherServletPath() {
        this.contextRunner.withPropertyValues("spring.mvc.servlet.path=/app").run((context) -> {
            assertThat(status(context, "POST", "/app/netcode/token", basic("alice", "alice-secret")))
                .isEqualTo(HttpStatus.OK);
            assertThat(status(context, "POST", "/app/netcode/token", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(NetcodeTokenRequest.toTokenEndpoint().matches(request(context, "POST", "/app/netcode/token")))
                .isTrue();
        });
    }

    @Test
    void tokenRequestMatcherMatchesTheConfiguredPathOnly() {
        this.contextRunner.withPropertyValues("netcode.token.path=/api/token").run((context) -> {
            RequestMatcher matcher = NetcodeTokenRequest.toTokenEndpoint();
            assertThat(matcher.matches(request(context, "POST", "/api/token"))).isTrue();
            assertThat(matcher.matches(request(context, "GET", "/api/token"))).isTrue();
            assertThat(matcher.matches(request(context, "POST", "/netcode/token"))).isFalse();
            assertThat(matcher.matches(request(context, "POST", "/api/token/x"))).isFalse();
        });
    }

    @Test
    void limitsEachClientAddressBeforeAnyPasswordIsChecked() {
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                    NetcodeTokenEndpointAutoConfiguration.class, NetcodeTokenSecurityAutoConfiguration.class,
                    SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
                    DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withUserConfiguration(CountingPasswordEncoderConfiguration.class)
            .withPropertyValues("netcode.server.enabled=false", "netcode.server.bind-address=127.0.0.1:40000",
                    "netcode.token.address-rate-limit.requests-per-minute=3")
            .run((context) -> {
                CountingPasswordEncoder passwords = context.getBean(CountingPasswordEncoder.class);
                MockMvcTester mvc = MockMvcTester.from(context,
                        (builder) -> builder.addFilters(context.getBean(FilterChainProxy.class)).build());
                String attacker = "203.0.113.7";
                assertThat(post(mvc, attacker, null)).hasStatus(HttpStatus.UNAUTHORIZED);
                assertThat(post(mvc, attacker, basic("alice", "guess-1"))).hasStatus(HttpStatus.UNAUTHORIZED);
                assertThat(post(mvc, attacker, basic("alice", "alice-secret"))).hasStatusOk();
                assertThat(passwords.matches()).isEqualTo(2);
                for (int i = 0; i < 20; i++) {
                    MvcTestResult refused = post(mvc, attacker, basic("alice", "guess-" + i));
                    assertThat(refused).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
                    assertThat(Long.parseLong(refused.getResponse().getHeader(HttpHeaders.RETRY_AFTER)))
                        .isBetween(1L, 20L);
                }
                assertThat(post(mvc, attacker, basic("alice", "alice-secret"))).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
                assertThat(passwords.matches()).isEqualTo(2);
                // Another machine is not held up, and the limit is the token endpoint's only.
                assertThat(post(mvc, "198.51.100.20", basic("alice", "alice-secret"))).hasStatusOk();
                assertThat(passwords.matches()).isEqualTo(3);
                assertThat(mvc.get().uri("/other").with(from(attacker))).hasStatus(HttpStatus.UNAUTHORIZED);
            });
    }

    @Test
    void clientAddressLimitCanBeDisabled() {
        this.contextRunner
            .withPropertyValues("netcode.token.address-rate-limit.enabled=false",
                    "netcode.token.address-rate-limit.requests-per-minute=1")
            .run((context) -> {
                assertThat(context.getBean(CHAIN, SecurityFilterChain.class).getFilters())
                    .noneMatch(ClientAddressRateLimitFilter.class::isInstance);
                for (int i = 0; i < 3; i++) {
                    assertThat(status(context, "POST", "/netcode/token", basic("alice", "alice-secret")))
                        .isEqualTo(HttpStatus.OK);
                }
            });
        this.contextRunner.run((context) -> assertThat(context.getBean(CHAIN, SecurityFilterChain.class).getFilters())
            .anyMatch(ClientAddressRateLimitFilter.class::isInstance));
    }

    @Test
    void failsToStartWithAnAddressLimitBelowOne() {
        this.contextRunner.withPropertyValues("netcode.token.address-rate-limit.requests-per-minute=0")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOfSatisfying(InvalidNetcodePropertyException.class, (ex) -> {
                    assertThat(ex.getProperty()).isEqualTo("netcode.token.address-rate-limit.requests-per-minute");
                    assertThat(ex.getValue()).isEqualTo("0");
                }));
        this.contextRunner.withPropertyValues("netcode.token.address-rate-limit.max-addresses=-1")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOfSatisfying(InvalidNetcodePropertyException.class, (ex) -> assertThat(ex.getProperty())
                    .isEqualTo("netcode.token.address-rate-limit.max-addresses")));
    }

    @Test
    void backsOffWithoutSpringSecurity() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(NetcodeTokenController.class)
                .doesNotHaveBean(CHAIN));
    }

    @Test
    void backsOffWithoutTheTokenEndpoint() {
        this.contextRunner.withPropertyValues("netcode.token.path=/api/token")
            .withClassLoader(new FilteredClassLoader(dev.netcode.token.ConnectTokenGenerator.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(NetcodeTokenController.class)
                .doesNotHaveBean(CHAIN)
                .hasBean("defaultSecurityFilterChain"));
    }

    @Test
    void backsOffInANonWebApplication() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                    NetcodeTokenEndpointAutoConfiguration.class, NetcodeTokenSecurityAutoConfiguration.class,
                    SecurityAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CHAIN));
    }

    @Test
    void failsRatherThanServeTokensWithoutWebSecurity() {
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                    NetcodeTokenEndpointAutoConfiguration.class, NetcodeTokenSecurityAutoConfiguration.class,
                    DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).getFailure().hasMessageContaining(CHAIN));
    }

    private static HttpStatus status(AssertableWebApplicationContext context, String method, String path,
            String authorization) throws Exception {
        return HttpStatus.valueOf(exchange(context, method, path, authorization).response().getStatus());
    }

    private static Exchange exchange(AssertableWebApplicationContext context, String method, String path,
            String authorization) throws Exception {
        FilterChainProxy filterChainProxy = context.getBean(FilterChainProxy.class);
        MockHttpServletRequest request = request(context, method, path);
        if (authorization != null) {
            request.addHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filterChainProxy.doFilter(request, response, new MockFilterChain());
        return new Exchange(request, response);
    }

    private static MockHttpServletRequest request(AssertableWebApplicationContext context, String method,
            String path) {
        MockServletContext servletContext = new MockServletContext();
        servletContext.setAttribute(WebApplicationContext.ROOT_WEB_APPLICATION_CONTEXT_ATTRIBUTE, context);
        MockHttpServletRequest request = new MockHttpServletRequest(servletContext, method, path);
        return request;
    }

    private static MvcTestResult post(MockMvcTester mvc, String remoteAddress, String authorization) {
        MockMvcTester.MockMvcRequestBuilder request = mvc.post().uri("/netcode/token").with(from(remoteAddress));
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request.exchange();
    }

    private static RequestPostProcessor from(String remoteAddress) {
        return (request) -> {
            request.setRemoteAddr(remoteAddress);
            return request;
        };
    }

    private static String basic(String user, String password) {
        return "Basic " + HttpHeaders.encodeBasicAuth(user, password, StandardCharsets.UTF_8);
    }

    private record Exchange(MockHttpServletRequest request, MockHttpServletResponse response) {
    }

    @Configuration(proxyBeanMethods = false)
    static class UsersConfiguration {

        @Bean
        InMemoryUserDetailsManager userDetailsService() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}alice-secret").roles("PLAYER").build(),
                    User.withUsername("carol").password("{noop}carol-secret").roles("ADMIN").build());
        }
    }

    /** A real password encoder that counts the password checks, which are what a flood costs. */
    static final class CountingPasswordEncoder implements PasswordEncoder {

        private final PasswordEncoder delegate = new BCryptPasswordEncoder(4);

        private final AtomicInteger matches = new AtomicInteger();

        @Override
        public String encode(CharSequence rawPassword) {
            return this.delegate.encode(rawPassword);
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            this.matches.incrementAndGet();
            return this.delegate.matches(rawPassword, encodedPassword);
        }

        int matches() {
            return this.matches.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CountingPasswordEncoderConfiguration {

        @Bean
        CountingPasswordEncoder passwordEncoder() {
            return new CountingPasswordEncoder();
        }

        @Bean
        InMemoryUserDetailsManager userDetailsService(CountingPasswordEncoder passwordEncoder) {
            return new InMemoryUserDetailsManager(User.withUsername("alice")
                .password(passwordEncoder.encode("alice-secret"))
                .roles("PLAYER")
                .build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AdminOnlyTokenChainConfiguration {

        @Bean
        @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
        SecurityFilterChain netcodeTokenSecurityFilterChain(HttpSecurity http) {
            http.securityMatcher(NetcodeTokenRequest.toTokenEndpoint());
            http.authorizeHttpRequests((requests) -> requests.anyRequest().hasRole("ADMIN"));
            http.httpBasic(withDefaults());
            http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            http.csrf((csrf) -> csrf.disable());
            return http.build();
        }
    }
}
