package dev.netcode.boot.example;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.autoconfigure.security.NetcodeTokenRequest;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.PrincipalNameClientIdResolver;
import dev.netcode.crypto.Aead;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.config.Customizer.withDefaults;

/**
 * The example README's "Use the starter" shows for putting the token endpoint behind the
 * application's own authentication, kept here so that it compiles and passes: the application
 * replaces the starter's HTTP Basic chain with an OAuth2 resource server that accepts JWTs, over
 * real HTTP. The JWT issuer is a key pair generated here (a real application names its issuer,
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); nothing goes over the network but
 * the requests to this application. Keep {@link JwtTokenSecurityConfiguration} and the README in step.
 */
@SpringBootTest(classes = JwtTokenEndpointTests.GameBackend.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.enabled=false", "netcode.server.public-addresses=127.0.0.1:40000",
                "netcode.private-key=" + JwtTokenEndpointTests.PRIVATE_KEY })
class JwtTokenEndpointTests {

    static final String PRIVATE_KEY = "8f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778";

    /** The identity provider's signing keys. */
    static final KeyPair ISSUER = rsaKeyPair();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private ConnectTokenIssuer issuer;

    @Test
    void aSignedJwtGetsATokenForItsSubject() throws Exception {
        HttpResponse<String> response = requestToken("Bearer " + jwt(ISSUER, "player-42", Instant.now().plusSeconds(300)));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.builder().build().readTree(response.body());
        long clientId = PrincipalNameClientIdResolver.clientIdOf("player-42");
        assertThat(body.get("clientId").asString()).isEqualTo(Long.toUnsignedString(clientId));
        ConnectToken token = ConnectToken.read(Base64.getDecoder().decode(body.get("token").asString()));
        byte[] sealed = token.sealedPrivate();
        try (Aead aead = new Aead()) {
            assertThat(ConnectTokenPrivate.decrypt(aead, sealed, 0, token.protocolId(), token.expireTimestamp(),
                    token.nonce(), HexFormat.of().parseHex(PRIVATE_KEY))).isTrue();
        }
        assertThat(ConnectTokenPrivate.read(sealed, 0).clientId()).isEqualTo(clientId);
    }

    @Test
    void aMissingForgedOrExpiredJwtIsUnauthorized() throws Exception {
        long issuedBefore = issuer.issuedCount();
        HttpResponse<String> missing = requestToken(null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                (challenge) -> assertThat(challenge).startsWith("Bearer"));
        String forged = jwt(rsaKeyPair(), "player-42", Instant.now().plusSeconds(300));
        assertThat(requestToken("Bearer " + forged).statusCode()).isEqualTo(401);
        String expired = jwt(ISSUER, "player-42", Instant.now().minusSeconds(300));
        assertThat(requestToken("Bearer " + expired).statusCode()).isEqualTo(401);
        assertThat(requestToken("Basic cGxheWVyLTQyOnNlY3JldA==").statusCode()).isEqualTo(401);
        assertThat(issuer.issuedCount()).isEqualTo(issuedBefore);
    }

    private HttpResponse<String> requestToken(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/netcode/token"))
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String jwt(KeyPair signer, String subject, Instant expiresAt) {
        JwtClaimsSet claims = JwtClaimsSet.builder()
            .subject(subject)
            .issuedAt(expiresAt.minusSeconds(600))
            .expiresAt(expiresAt)
            .build();
        return NimbusJwtEncoder.withKeyPair((RSAPublicKey) signer.getPublic(), (RSAPrivateKey) signer.getPrivate())
            .build()
            .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
            .getTokenValue();
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The game's web backend: the starter's token endpoint, behind JWT authentication. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(JwtTokenSecurityConfiguration.class)
    static class GameBackend {

        /** Stands in for the one Spring Boot builds from {@code spring.security.oauth2.resourceserver.jwt.*}. */
        @Bean
        JwtDecoder jwtDecoder() {
            return NimbusJwtDecoder.withPublicKey((RSAPublicKey) ISSUER.getPublic()).build();
        }
    }

    /** The README's example, as is. */
    @Configuration(proxyBeanMethods = false)
    static class JwtTokenSecurityConfiguration {

        @Bean
        @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
        SecurityFilterChain netcodeTokenSecurityFilterChain(HttpSecurity http) {
            http.securityMatcher(NetcodeTokenRequest.toTokenEndpoint());
            http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
            http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(withDefaults()));
            http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            http.csrf(CsrfConfigurer::disable);   // a bearer token is no cookie a forged request could carry
            return http.build();
        }
    }
}
