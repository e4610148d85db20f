package dev.netcode.boot.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PrincipalNameClientIdResolver}.
 */
class PrincipalNameClientIdResolverTests {

    private final PrincipalNameClientIdResolver resolver = new PrincipalNameClientIdResolver();

    @Test
    void derivesTheDocumentedIdForAlice() {
        // SHA-256("alice") = 2bd806c97f0e00af 1a1fc3328fa763a9...
        long id = this.resolver.resolve(new TestingAuthenticationToken("alice", "ignored"));
        assertThat(id).isEqualTo(0x2bd806c97f0e00afL);
        assertThat(Long.toUnsignedString(id)).isEqualTo("3159282601090220207");
    }

    @Test
    void isTheFirstEightBytesOfSha256BigEndian() throws Exception {
        for (String name : new String[] { "bob", "Zoë", "", "player-4711@example.com" }) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long expected = ByteBuffer.wrap(digest).getLong();
            assertThat(PrincipalNameClientIdResolver.clientIdOf(name)).isEqualTo(expected);
        }
    }

    @Test
    void dependsOnTheNameOnly() {
        long fromTestingToken = this.resolver.resolve(new TestingAuthenticationToken("alice", "a", "ROLE_X"));
        long fromPasswordToken = this.resolver
            .resolve(UsernamePasswordAuthenticationToken.authenticated("alice", "b", List.of()));
        assertThat(fromTestingToken).isEqualTo(fromPasswordToken);
        assertThat(this.resolver.resolve(new TestingAuthenticationToken("Alice", "a")))
            .isNotEqualTo(fromTestingToken);
    }
}
