package dev.netcode.boot.autoconfigure.token;

import java.nio.charset.StandardCharsets;

import java.time.Duration;
import java.time.Instant;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.servlet.DispatcherServlet;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.security.NetcodeTokenSecurityAutoConfiguration;
import dev.netcode.boot.token.ClientIdResolver;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.ConnectTokenRateLimiter;
import dev.netcode.boot.token.NetcodeTokenController;
import dev.netcode.boot.token.TestClock;
import dev.netcode.boot.token.PrincipalNameClientIdResolver;
import dev.netcode.boot.token.UserDataProvider;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.Aead;
import dev.netcode.server.NetcodeServer;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NetcodeTokenEndpointAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeTokenEndpointAutoConfigurationTests {

    private static final String PRIVATE_KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private static final long PROTOCOL_ID = 0x1122334455667788L;

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                NetcodeTokenEndpointAutoConfiguration.class, NetcodeTokenSecurityAutoConfiguration.class,
                SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
                DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
                HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class))
        .withUserConfiguration(UsersConfiguration.class)
        .withPropertyValues("netcode.private-key=" + PRIVATE_KEY, "netcode.protocol-id=0x1122334455667788",
                "netcode.server.enabled=false", "netcode.server.bind-address=127.0.0.1:40000",
                "netcode.token.expiry=45s");

    @Test
    void endpointIsRegisteredWithDefaultCollaborators() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(NetcodeTokenController.class);
            assertThat(context).getBean(ClientIdResolver.class).isInstanceOf(PrincipalNameClientIdResolver.class);
            assertThat(context).getBean(ConnectTokenRateLimiter.class)
                .extracting(ConnectTokenRateLimiter::requestsPerMinute)
                .isEqualTo(4);
            assertThat(context).doesNotHaveBean(UserDataProvider.class);
        });
    }

    @Test
    void jsonResponseCarriesATokenThatOpensToTheResolvedClientId() {
        this.contextRunner.run((context) -> {
            MvcTestResult result = post(context, "/netcode/token", "alice", MediaType.APPLICATION_JSON_VALUE);
            assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
            assertThat(result.getResponse().getHeader(HttpHeaders.CACHE_CONTROL)).contains("no-store");
            String json = result.getResponse().getContentAsString();
            byte[] token = Base64.getDecoder().decode(JsonPath.<String>read(json, "$.token"));
            assertThat(token).hasSize(2048);
            long aliceId = PrincipalNameClientIdResolver.clientIdOf("alice");
            assertThat(JsonPath.<String>read(json, "$.clientId")).isEqualTo(Long.toUnsignedString(aliceId));
            assertThat(JsonPath.<List<String>>read(json, "$.servers")).containsExactly("127.0.0.1:40000");
            Instant expiresAt = Instant.parse(JsonPath.read(json, "$.expiresAt"));
            assertThat(expiresAt).isBetween(Instant.now().plusSeconds(40), Instant.now().plusSeconds(50));
            ConnectToken connectToken = ConnectToken.read(token);
            assertThat(connectToken.protocolId()).isEqualTo(PROTOCOL_ID);
            assertThat(connectToken.expireTimestamp()).isEqualTo(expiresAt.getEpochSecond());
            ConnectTokenPrivate opened = open(token, context.getBean(NetcodePrivateKey.class).bytes());
            assertThat(opened.clientId()).isEqualTo(aliceId);
            assertThat(opened.userData()).containsOnly(0);
            assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isOne();
        });
    }

    @Test
    void neverLogsTheToken(CapturedOutput output) {
        LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());
        List<String> loggers = List.of("dev.netcode", "org.springframework.web", "org.springframework.security");
        loggers.forEach((logger) -> loggingSystem.setLogLevel(logger, LogLevel.TRACE));
        try {
            this.contextRunner.run((context) -> {
                String json = post(context, "/netcode/token", "alice", null).getResponse().getContentAsString();
                String token = JsonPath.read(json, "$.token");
                byte[] raw = post(context, "/netcode/token", "alice", MediaType.APPLICATION_OCTET_STREAM_VALUE)
                    .getResponse()
                    .getContentAsByteArray();
                String rawBase64 = Base64.getEncoder().encodeToString(raw);
                assertThat(output).contains("Issued a connect token for client id "
                        + Long.toUnsignedString(PrincipalNameClientIdResolver.clientIdOf("alice")));
                // The sealed private part starts at byte 61, that is base64 character 84 (after 63 bytes).
                assertThat(output).doesNotContain(token.substring(84, 164))
                    .doesNotContain(rawBase64.substring(84, 164))
                    .doesNotContain(new String(raw, StandardCharsets.ISO_8859_1).substring(61, 121));
            });
        }
        finally {
            loggers.forEach((logger) -> loggingSystem.setLogLevel(logger, null));
        }
    }

    @Test
    void listsTheBoundPortOfTheGameServerInThisApplication() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(NetcodeServerAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=true", "netcode.server.bind-address=127.0.0.1:0")
            .run((context) -> {
                String json = post(context, "/netcode/token", "alice", null).getResponse().getContentAsString();
                List<String> servers = JsonPath.read(json, "$.servers");
                assertThat(servers).singleElement().asString().startsWith("127.0.0.1:").doesNotEndWith(":0");
            });
    }

    @Test
    void answersServiceUnavailableWithRetryAfterWhileTheGameServerIsNotBound() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(NetcodeServerAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=true", "netcode.server.bind-address=127.0.0.1:0")
            // Holds the server back, as in the moments between the web server's start and the game server's bind.
            .withBean("netcodeServerLifecycle", Object.class, Object::new)
            .run((context) -> {
                NetcodeServer server = context.getBean(NetcodeServer.class);
                assertThat(server.isRunning()).isFalse();
                for (String accept : new String[] { MediaType.APPLICATION_JSON_VALUE,
                        MediaType.APPLICATION_OCTET_STREAM_VALUE }) {
                    assertServerNotRunning(post(context, "/netcode/token", "alice", accept));
                }
                assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isZero();

                server.start();
                MvcTestResult issued = post(context, "/netcode/token", "alice", MediaType.APPLICATION_JSON_VALUE);
                assertThat(issued).hasStatusOk();
                assertThat(JsonPath.<List<String>>read(issued.getResponse().getContentAsString(), "$.servers"))
                    .containsExactly(server.localAddress().toString());

                server.stop();
                assertServerNotRunning(post(context, "/netcode/token", "alice", null));
            });
    }

    @Test
    void refusesATokenWithConflictWhileTheClientIdIsConnectedAndIssuesOneOnceItLeft() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(NetcodeServerAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=true", "netcode.server.bind-address=127.0.0.1:0",
                    "netcode.token.rate-limit.enabled=false")
            .run((context) -> {
                NetcodeServer server = context.getBean(NetcodeServer.class);
                byte[] token = post(context, "/netcode/token", "alice", MediaType.APPLICATION_OCTET_STREAM_VALUE)
                    .getResponse()
                    .getContentAsByteArray();
                try (NetcodeClient client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"),
                        new ClientEventHandler() {
                        })) {
                    client.connect(token);
                    // connect() runs on the client's thread: first see it leave the initial state.
                    client.awaitState((state) -> state != ClientState.DISCONNECTED, 10_000);
                    assertThat(client.awaitState((state) -> state == ClientState.CONNECTED || !state.isActive(), 10_000))
                        .isEqualTo(ClientState.CONNECTED);

                    for (String accept : new String[] { MediaType.APPLICATION_JSON_VALUE,
                            MediaType.APPLICATION_OCTET_STREAM_VALUE }) {
                        MvcTestResult second = post(context, "/netcode/token", "alice", accept);
                        assertThat(second).hasStatus(HttpStatus.CONFLICT)
                            .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
                        assertThat(second.getResponse().getHeader(HttpHeaders.CACHE_CONTROL)).contains("no-store");
                        String json = second.getResponse().getContentAsString();
                        assertThat(JsonPath.<String>read(json, "$.reason")).isEqualTo("already-connected");
                        assertThat(JsonPath.<String>read(json, "$.detail")).contains("playing right now",
                                "If that client crashed, its slot frees itself within "
                                        + context.getBean(ConnectTokenIssuer.class).timeoutSeconds() + " seconds");
                    }
                    // Another account is not affected.
                    assertThat(post(context, "/netcode/token", "bob", null)).hasStatusOk();

                    client.disconnect();
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (server.connectedClientCount() > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertThat(server.connectedClientCount()).isZero();
                }
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
            });
    }

    private static void assertServerNotRunning(MvcTestResult result) throws Exception {
        assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
            .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(result.getResponse().getHeader(HttpHeaders.CACHE_CONTROL)).contains("no-store");
        String json = result.getResponse().getContentAsString();
        assertThat(JsonPath.<Integer>read(json, "$.status")).isEqualTo(503);
        assertThat(JsonPath.<String>read(json, "$.title")).isEqualTo("Game server not running");
        assertThat(JsonPath.<String>read(json, "$.detail")).contains("game server is not running");
    }

    @Test
    void respondsWithJsonWhenTheClientAcceptsAnything() {
        this.contextRunner.run((context) -> {
            assertThat(post(context, "/netcode/token", "alice", "*/*")).hasStatusOk()
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
            assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk()
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
            assertThat(post(context, "/netcode/token", "alice", "application/json, application/octet-stream"))
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        });
    }

    @Test
    void respondsWithTheRawTokenWhenTheClientAsksForOctetStream() {
        this.contextRunner.run((context) -> {
            for (String accept : List.of("application/octet-stream",
                    "application/octet-stream, */*;q=0.8", "application/json;q=0.5, application/octet-stream")) {
                MvcTestResult result = post(context, "/netcode/token", "alice", accept);
                assertThat(result).hasStatusOk().hasContentType(MediaType.APPLICATION_OCTET_STREAM);
                byte[] token = result.getResponse().getContentAsByteArray();
                assertThat(token).hasSize(2048);
                assertThat(open(token, context.getBean(NetcodePrivateKey.class).bytes()).clientId())
                    .isEqualTo(PrincipalNameClientIdResolver.clientIdOf("alice"));
            }
        });
    }

    @Test
    void refusesMediaTypesItCannotProduce() {
        this.contextRunner.run((context) -> {
            assertThat(post(context, "/netcode/token", "alice", "text/plain"))
                .hasStatus(HttpStatus.NOT_ACCEPTABLE);
            assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isZero();
        });
    }

    @Test
    void anonymousRequestIsUnauthorized() {
        this.contextRunner.run((context) -> {
            assertThat(post(context, "/netcode/token", null, null)).hasStatus(HttpStatus.UNAUTHORIZED);
            assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isZero();
        });
    }

    @Test
    void onlyPostIsMapped() {
        this.contextRunner.run((context) -> {
            MockMvcTester mvc = mvc(context);
            assertThat(mvc.get().uri("/netcode/token").header(HttpHeaders.AUTHORIZATION, basic("alice")))
                .hasStatus(HttpStatus.METHOD_NOT_ALLOWED);
        });
    }

    @Test
    void servesTheConfiguredPath() {
        this.contextRunner.withPropertyValues("netcode.token.path=/api/game/token").run((context) -> {
            assertThat(post(context, "/api/game/token", "alice", null)).hasStatusOk();
            assertThat(post(context, "/api/game/token", null, null)).hasStatus(HttpStatus.UNAUTHORIZED);
            assertThat(post(context, "/netcode/token", "alice", null)).hasStatus(HttpStatus.FORBIDDEN);
        });
    }

    @Test
    void failsToStartWithAPathWithoutLeadingSlash() {
        this.contextRunner.withPropertyValues("netcode.token.path=netcode/token")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("netcode.token.path must start with '/'"));
    }

    @Test
    void usesAUserDefinedClientIdResolver() {
        this.contextRunner.withBean(ClientIdResolver.class, () -> (authentication) -> -1L).run((context) -> {
            assertThat(context).getBean(ClientIdResolver.class).isNotInstanceOf(PrincipalNameClientIdResolver.class);
            MvcTestResult result = post(context, "/netcode/token", "alice", null);
            String json = result.getResponse().getContentAsString();
            assertThat(JsonPath.<String>read(json, "$.clientId")).isEqualTo("18446744073709551615");
            byte[] token = Base64.getDecoder().decode(JsonPath.<String>read(json, "$.token"));
            assertThat(open(token, context.getBean(NetcodePrivateKey.class).bytes()).clientId()).isEqualTo(-1L);
        });
    }

    @Test
    void sealsUserDataFromAUserDataProvider() {
        UserDataProvider provider = (authentication, clientId) -> (authentication.getName() + ":" + clientId)
            .getBytes(StandardCharsets.UTF_8);
        this.contextRunner.withBean(UserDataProvider.class, () -> provider).run((context) -> {
            MvcTestResult result = post(context, "/netcode/token", "alice", MediaType.APPLICATION_OCTET_STREAM_VALUE);
            ConnectTokenPrivate opened = open(result.getResponse().getContentAsByteArray(),
                    context.getBean(NetcodePrivateKey.class).bytes());
            byte[] expected = ("alice:" + PrincipalNameClientIdResolver.clientIdOf("alice"))
                .getBytes(StandardCharsets.UTF_8);
            assertThat(Arrays.copyOf(opened.userData(), expected.length)).isEqualTo(expected);
            assertThat(Arrays.copyOfRange(opened.userData(), expected.length, 256)).containsOnly(0);
        });
    }

    @Test
    void acceptsExactly256BytesOfUserData() {
        this.contextRunner.withBean(UserDataProvider.class, () -> (authentication, clientId) -> filled(256, 7))
            .run((context) -> {
                MvcTestResult result = post(context, "/netcode/token", "alice",
                        MediaType.APPLICATION_OCTET_STREAM_VALUE);
                assertThat(open(result.getResponse().getContentAsByteArray(),
                        context.getBean(NetcodePrivateKey.class).bytes())
                    .userData()).isEqualTo(filled(256, 7));
            });
    }

    @Test
    void failsTheRequestWhenUserDataExceeds256Bytes() {
        this.contextRunner.withBean(UserDataProvider.class, () -> (authentication, clientId) -> filled(257, 1))
            .run((context) -> {
                MvcTestResult result = post(context, "/netcode/token", "alice", null);
                assertThat(result).hasFailed()
                    .failure()
                    .rootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("returned 257 bytes of user data")
                    .hasMessageContaining("at most 256 bytes");
                assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isZero();
            });
    }

    @Test
    void rateLimitsEachPrincipal() {
        this.contextRunner.withPropertyValues("netcode.token.rate-limit.requests-per-minute=3").run((context) -> {
            for (int i = 0; i < 3; i++) {
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
            }
            MvcTestResult refused = post(context, "/netcode/token", "alice", null);
            assertThat(refused).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
            assertThat(Long.parseLong(refused.getResponse().getHeader(HttpHeaders.RETRY_AFTER))).isBetween(1L, 20L);
            assertThat(refused.getResponse().getContentLength()).isZero();
            assertThat(post(context, "/netcode/token", "bob", null)).hasStatusOk();
            assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isEqualTo(4);
        });
    }

    @Test
    void rateLimitWindowRefillsAsTheClockAdvances() {
        TestClock clock = new TestClock();
        this.contextRunner.withBean(ConnectTokenRateLimiter.class, () -> new ConnectTokenRateLimiter(2, clock))
            .run((context) -> {
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
                MvcTestResult refused = post(context, "/netcode/token", "alice", null);
                assertThat(refused).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
                assertThat(refused.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
                clock.advance(Duration.ofSeconds(29));
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
                clock.advance(Duration.ofSeconds(31));
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatus(HttpStatus.TOO_MANY_REQUESTS);
            });
    }

    @Test
    void rateLimitCanBeDisabled() {
        this.contextRunner
            .withPropertyValues("netcode.token.rate-limit.enabled=false",
                    "netcode.token.rate-limit.requests-per-minute=1")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(ConnectTokenRateLimiter.class);
                for (int i = 0; i < 3; i++) {
                    assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
                }
            });
    }

    @Test
    void disabledRateLimitAlsoIgnoresAUserDefinedLimiter() {
        this.contextRunner.withPropertyValues("netcode.token.rate-limit.enabled=false")
            .withBean(ConnectTokenRateLimiter.class, () -> new ConnectTokenRateLimiter(1))
            .run((context) -> {
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
                assertThat(post(context, "/netcode/token", "alice", null)).hasStatusOk();
            });
    }

    @Test
    void backsOffWhenUserDefinesTheController() {
        this.contextRunner.withUserConfiguration(UserControllerConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(NetcodeTokenController.class);
            assertThat(context).hasBean("myTokenController").doesNotHaveBean("netcodeTokenController");
        });
    }

    @Test
    void backsOffWithoutAConnectTokenIssuer() {
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeTokenEndpointAutoConfiguration.class,
                    NetcodeTokenSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(NetcodeTokenController.class));
    }

    @Test
    void backsOffWithoutSpringSecurity() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeTokenController.class)
                .doesNotHaveBean(ClientIdResolver.class)
                .hasSingleBean(ConnectTokenIssuer.class));
    }

    @Test
    void backsOffWithoutSpringMvc() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeTokenController.class));
    }

    @Test
    void backsOffInANonWebApplication() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                    NetcodeTokenEndpointAutoConfiguration.class, NetcodeTokenSecurityAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(ConnectTokenIssuer.class)
                .doesNotHaveBean(NetcodeTokenController.class));
    }

    private static MvcTestResult post(AssertableWebApplicationContext context, String path, String user,
            String accept) {
        MockMvcTester.MockMvcRequestBuilder request = mvc(context).post().uri(path);
        if (user != null) {
            request.header(HttpHeaders.AUTHORIZATION, basic(user));
        }
        if (accept != null) {
            request.header(HttpHeaders.ACCEPT, accept);
        }
        return request.exchange();
    }

    private static MockMvcTester mvc(AssertableWebApplicationContext context) {
        return MockMvcTester.from(context,
                (builder) -> builder.addFilters(context.getBean(FilterChainProxy.class)).build());
    }

    private static String basic(String user) {
        return "Basic " + HttpHeaders.encodeBasicAuth(user, user + "-secret", StandardCharsets.UTF_8);
    }

    private static ConnectTokenPrivate open(byte[] token, byte[] key) throws Exception {
        ConnectToken connectToken = ConnectToken.read(token);
        byte[] sealed = connectToken.sealedPrivate();
        try (Aead aead = new Aead()) {
            assertThat(ConnectTokenPrivate.decrypt(aead, sealed, 0, connectToken.protocolId(),
                    connectToken.expireTimestamp(), connectToken.nonce(), key))
                .as("private part opens with the shared key")
                .isTrue();
        }
        return ConnectTokenPrivate.read(sealed, 0);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Configuration(proxyBeanMethods = false)
    static class UsersConfiguration {

        @Bean
        InMemoryUserDetailsManager userDetailsService() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}alice-secret").roles("PLAYER").build(),
                    User.withUsername("bob").password("{noop}bob-secret").roles("PLAYER").build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserControllerConfiguration {

        @Bean
        NetcodeTokenController myTokenController(ConnectTokenIssuer issuer) {
            return new NetcodeTokenController(issuer, (authentication) -> 7L, null, null);
        }
    }
}
