package dev.netcode.boot.autoconfigure.security;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.context.WebApplicationContext;

import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.endpoint.NetcodeEndpointAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Tests for {@link NetcodeEndpointSecurityAutoConfiguration}: requests go through the real
 * {@link FilterChainProxy}; a request that passes security reaches a terminal filter chain that
 * answers 200.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeEndpointSecurityAutoConfigurationTests {

    private static final String CHAIN = "netcodeEndpointSecurityFilterChain";

    private static final String WARNING = "The netcode actuator endpoint is exposed over HTTP without Spring Security";

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeEndpointAutoConfiguration.class, NetcodeEndpointSecurityAutoConfiguration.class,
                EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                EnvironmentEndpointAutoConfiguration.class, SecurityAutoConfiguration.class,
                ManagementWebSecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
                DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
        .withUserConfiguration(UsersConfiguration.class)
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0",
                "management.endpoints.web.exposure.include=netcode,env");

    @Test
    void onlyTheConfiguredRoleReadsTheEndpoint(CapturedOutput output) {
        this.contextRunner.run((context) -> {
            assertThat(context).hasBean(CHAIN);
            MockHttpServletResponse anonymous = exchange(context, HttpMethod.GET, "/actuator/netcode", null).response();
            assertThat(HttpStatus.valueOf(anonymous.getStatus())).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(anonymous.getHeader(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
            assertThat(status(context, HttpMethod.GET, "/actuator/netcode", "alice")).isEqualTo(HttpStatus.FORBIDDEN);
            Exchange admin = exchange(context, HttpMethod.GET, "/actuator/netcode", "carol");
            assertThat(HttpStatus.valueOf(admin.response().getStatus())).isEqualTo(HttpStatus.OK);
            assertThat(admin.request().getSession(false)).isNull();
        });
        assertThat(output).doesNotContain(WARNING);
    }

    @Test
    void onlyTheConfiguredRoleDisconnectsWithoutACsrfToken() {
        this.contextRunner.run((context) -> {
            assertThat(status(context, HttpMethod.DELETE, "/actuator/netcode/0", null))
                .isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, HttpMethod.DELETE, "/actuator/netcode/0", "alice"))
                .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(status(context, HttpMethod.DELETE, "/actuator/netcode/0", "carol")).isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void ordersTheEndpointChainJustBeforeBootsManagementChain() throws Exception {
        this.contextRunner.run((context) -> {
            List<SecurityFilterChain> chains = context.getBeanProvider(SecurityFilterChain.class)
                .orderedStream()
                .toList();
            assertThat(chains).containsExactly(context.getBean(CHAIN, SecurityFilterChain.class),
                    context.getBean("managementSecurityFilterChain", SecurityFilterChain.class));
        });
        Order order = NetcodeEndpointSecurityAutoConfiguration.EndpointSecurityFilterChainConfiguration.class
            .getDeclaredMethod(CHAIN, HttpSecurity.class, NetcodeProperties.class)
            .getAnnotation(Order.class);
        assertThat(order.value()).isEqualTo(SecurityFilterProperties.BASIC_AUTH_ORDER - 1);
    }

    @Test
    void otherEndpointsStayUnderBootsManagementChain() {
        this.contextRunner.run((context) -> {
            assertThat(status(context, HttpMethod.GET, "/actuator/env", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, HttpMethod.GET, "/actuator/env", "alice")).isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void requiresTheConfiguredRole() {
        this.contextRunner.withPropertyValues("netcode.endpoint.role=OPS").run((context) -> {
            assertThat(status(context, HttpMethod.GET, "/actuator/netcode", "carol")).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(status(context, HttpMethod.GET, "/actuator/netcode", "dave")).isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void followsTheManagementBasePath() {
        this.contextRunner.withPropertyValues("management.endpoints.web.base-path=/manage").run((context) -> {
            assertThat(status(context, HttpMethod.GET, "/manage/netcode", "alice")).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(status(context, HttpMethod.GET, "/manage/netcode", "carol")).isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void failsToStartWithARoleThatCarriesThePrefix() {
        this.contextRunner.withPropertyValues("netcode.endpoint.role=ROLE_OPS")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOfSatisfying(InvalidNetcodePropertyException.class, (ex) -> {
                    assertThat(ex.getProperty()).isEqualTo("netcode.endpoint.role");
                    assertThat(ex.getValue()).isEqualTo("ROLE_OPS");
                    assertThat(ex.getRequirement()).contains("without the 'ROLE_' prefix");
                }));
    }

    @Test
    void endpointStaysGuardedWhenTheUserChainPermitsEverything() {
        this.contextRunner.withUserConfiguration(PermitAllConfiguration.class).run((context) -> {
            assertThat(context).hasBean(CHAIN).doesNotHaveBean("managementSecurityFilterChain");
            assertThat(status(context, HttpMethod.GET, "/actuator/env", null)).isEqualTo(HttpStatus.OK);
            assertThat(status(context, HttpMethod.GET, "/actuator/netcode", null)).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(status(context, HttpMethod.GET, "/actuator/netcode", "alice")).isEqualTo(HttpStatus.FORBIDDEN);
        });
    }

    @Test
    void userDefinedChainWithTheSameNameWins() {
        this.contextRunner.withUserConfiguration(AnyoneReadsConfiguration.class).run((context) -> {
            // Any SecurityFilterChain of the application switches Boot's default chains off.
            assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys(CHAIN);
            assertThat(status(context, HttpMethod.GET, "/actuator/netcode", null)).isEqualTo(HttpStatus.OK);
            assertThat(status(context, HttpMethod.DELETE, "/actuator/netcode/0", "carol"))
                .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(status(context, HttpMethod.DELETE, "/actuator/netcode/0", "dave")).isEqualTo(HttpStatus.OK);
        });
    }

    @Test
    void backsOffWhenTheEndpointIsNotExposedOverHttp(CapturedOutput output) {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=env")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CHAIN));
        this.contextRunner.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
            .withPropertyValues("management.endpoints.web.exposure.include=env", "spring.jmx.enabled=true",
                    "management.endpoints.jmx.exposure.include=netcode")
            .run((context) -> assertThat(context).hasNotFailed().hasSingleBean(NetcodeEndpoint.class));
        assertThat(output).doesNotContain(WARNING);
    }

    @Test
    void backsOffWithoutTheEndpoint() {
        this.contextRunner.withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(NetcodeEndpoint.class)
                .doesNotHaveBean(CHAIN)
                .hasBean("managementSecurityFilterChain"));
    }

    @Test
    void backsOffInANonWebApplication(CapturedOutput output) {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                    NetcodeServerAutoConfiguration.class, NetcodeEndpointAutoConfiguration.class,
                    NetcodeEndpointSecurityAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
            .withPropertyValues("netcode.server.bind-address=127.0.0.1:0",
                    "management.endpoints.web.exposure.include=netcode")
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(NetcodeEndpoint.class)
                .doesNotHaveBean(CHAIN));
        assertThat(output).doesNotContain(WARNING);
    }

    @Test
    void warnsOnceWithoutSpringSecurity(CapturedOutput output) {
        this.contextRunner.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(NetcodeEndpoint.class)
                .doesNotHaveBean(CHAIN));
        assertThat(output.getAll().split(WARNING, -1)).hasSize(2);
        assertThat(output).contains("sees every player's IP address")
            .contains("Add spring-boot-starter-security (the endpoint then requires role NETCODE_ADMIN)");
    }

    private static HttpStatus status(AssertableWebApplicationContext context, HttpMethod method, String path,
            String user) throws Exception {
        return HttpStatus.valueOf(exchange(context, method, path, user).response().getStatus());
    }

    private static Exchange exchange(AssertableWebApplicationContext context, HttpMethod method, String path,
            String user) throws Exception {
        MockServletContext servletContext = new MockServletContext();
        servletContext.setAttribute(WebApplicationContext.ROOT_WEB_APPLICATION_CONTEXT_ATTRIBUTE, context);
        MockHttpServletRequest request = new MockHttpServletRequest(servletContext, method.name(), path);
        if (user != null) {
            request.addHeader(HttpHeaders.AUTHORIZATION,
                    "Basic " + HttpHeaders.encodeBasicAuth(user, user + "-secret", StandardCharsets.UTF_8));
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        context.getBean(FilterChainProxy.class).doFilter(request, response, new MockFilterChain());
        return new Exchange(request, response);
    }

    private record Exchange(MockHttpServletRequest request, MockHttpServletResponse response) {
    }

    @Configuration(proxyBeanMethods = false)
    static class UsersConfiguration {

        @Bean
        InMemoryUserDetailsManager userDetailsService() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}alice-secret").roles("PLAYER").build(),
                    User.withUsername("carol").password("{noop}carol-secret").roles("NETCODE_ADMIN").build(),
                    User.withUsername("dave").password("{noop}dave-secret").roles("OPS").build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AnyoneReadsConfiguration {

        @Bean
        @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
        SecurityFilterChain netcodeEndpointSecurityFilterChain(HttpSecurity http) {
            http.securityMatcher(EndpointRequest.to(NetcodeEndpoint.class));
            http.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET)
                .permitAll()
                .anyRequest()
                .hasRole("OPS"));
            http.httpBasic(withDefaults());
            http.csrf((csrf) -> csrf.disable());
            return http.build();
        }
    }
}
