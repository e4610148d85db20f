package dev.netcode.boot.autoconfigure;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.InvalidNetcodeKeyException;
import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.IssuedConnectToken;
import dev.netcode.crypto.Aead;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeAutoConfiguration}: the shared key and the token issuer. */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeAutoConfigurationTests {

    static final String KEY_HEX = "606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=false", "netcode.protocol-id=0x1122334455667788",
                    "netcode.server.public-addresses=127.0.0.1:40000,[::1]:40000");

    @Test
    void configuredHexKeyIsUsedToSealTokensForThePublicAddresses() {
        contextRunner.withPropertyValues("netcode.private-key=" + KEY_HEX).run(context -> {
            assertThat(context).hasSingleBean(NetcodePrivateKey.class).hasSingleBean(ConnectTokenIssuer.class);
            assertThat(context.getBean(NetcodePrivateKey.class).bytes()).isEqualTo(Bytes.fromHex(KEY_HEX));
            IssuedConnectToken issued = context.getBean(ConnectTokenIssuer.class).issue(42, new byte[] { 7 });
            ConnectToken token = ConnectToken.read(issued.token());
            assertThat(token.protocolId()).isEqualTo(0x1122334455667788L);
            assertThat(token.serverAddresses()).containsExactly(NetcodeAddress.parse("127.0.0.1:40000"),
                    NetcodeAddress.parse("[::1]:40000"));
            assertThat(token.expireTimestamp() - token.createTimestamp()).isEqualTo(30);
            assertThat(token.timeoutSeconds()).isEqualTo(10);
            assertThat(issued.servers()).isEqualTo(token.serverAddresses());
            assertThat(issued.toString()).doesNotContain(Bytes.toHex(issued.token()).substring(0, 32));

            byte[] sealed = token.sealedPrivate();
            try (Aead aead = new Aead()) {
                assertThat(ConnectTokenPrivate.decrypt(aead, sealed, 0, token.protocolId(), token.expireTimestamp(),
                        token.nonce(), Bytes.fromHex(KEY_HEX))).isTrue();
            }
            ConnectTokenPrivate opened = ConnectTokenPrivate.read(sealed, 0);
            assertThat(opened.clientId()).isEqualTo(42);
            assertThat(opened.userData()[0]).isEqualTo((byte) 7);
            assertThat(context.getBean(ConnectTokenIssuer.class).issuedCount()).isEqualTo(1);
        });
    }

    @Test
    void base64KeyIsAccepted() {
        String base64 = Base64.getEncoder().encodeToString(Bytes.fromHex(KEY_HEX));
        contextRunner.withPropertyValues("netcode.private-key=" + base64).run(context -> assertThat(
                context.getBean(NetcodePrivateKey.class).bytes()).isEqualTo(Bytes.fromHex(KEY_HEX)));
    }

    @Test
    void missingKeyGeneratesARandomOneWithOneWarning(CapturedOutput output) {
        contextRunner.run(context -> {
            NetcodePrivateKey key = context.getBean(NetcodePrivateKey.class);
            assertThat(key.isGenerated()).isTrue();
            assertThat(key.bytes()).hasSize(32).isNotEqualTo(new byte[32]);
            assertThat(key.toString()).doesNotContain(Bytes.toHex(key.bytes()));
            assertThat(output).containsOnlyOnce("No netcode.private-key is configured");
            assertThat(output.toString()).doesNotContain(Bytes.toHex(key.bytes()));
        });
    }

    @Test
    void shortKeyFailsStartUpWithAnAnalysisThatNeverShowsTheKey() {
        String shortKey = KEY_HEX.substring(0, 62);
        contextRunner.withPropertyValues("netcode.private-key=" + shortKey).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(InvalidNetcodeKeyException.class);
            FailureAnalysis analysis = new InvalidNetcodeKeyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("netcode.private-key").contains("62 hex digits, expected 64");
            assertThat(analysis.getAction()).contains("64 hex").contains("base64").contains("netcode-cli keygen");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(shortKey);
            assertThat(stackTraceOf(context.getStartupFailure())).doesNotContain(shortKey);
        });
    }

    @Test
    void unsetEnvironmentVariableFailsStartUpNamingThePlaceholderAndTheDevelopmentForm() {
        contextRunner.withPropertyValues("netcode.private-key=${NETCODE_TEST_KEY_THAT_IS_NEVER_SET}").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new InvalidNetcodeKeyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("netcode.private-key")
                    .contains("the placeholder ${NETCODE_TEST_KEY_THAT_IS_NEVER_SET} was not resolved")
                    .contains("set the environment variable")
                    .contains("${NETCODE_TEST_KEY_THAT_IS_NEVER_SET:} for a random key in development")
                    .doesNotContain("neither 64 hex digits");
        });
    }

    @Test
    void placeholderWithAnEmptyDefaultGivesARandomKeyWhenTheVariableIsUnset(CapturedOutput output) {
        // The README's form, ${NETCODE_PRIVATE_KEY:}: unset, it resolves to "" and the key is generated.
        contextRunner.withPropertyValues("netcode.private-key=${NETCODE_TEST_KEY_THAT_IS_NEVER_SET:}").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(NetcodePrivateKey.class).isGenerated()).isTrue();
            assertThat(output).containsOnlyOnce("No netcode.private-key is configured");
        });
        contextRunner.withPropertyValues("NETCODE_TEST_KEY=" + KEY_HEX, "netcode.private-key=${NETCODE_TEST_KEY:}")
                .run(context -> assertThat(context.getBean(NetcodePrivateKey.class).bytes())
                        .isEqualTo(Bytes.fromHex(KEY_HEX)));
    }

    @Test
    void keyThatIsNeitherHexNorBase64FailsStartUp() {
        contextRunner.withPropertyValues("netcode.private-key=not a key!").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidNetcodeKeyException.class)
                    .hasMessageContaining("neither 64 hex digits nor base64").hasMessageNotContaining("not a key!");
        });
    }

    @Test
    void protocolIdMayBeDecimalAsYamlDeliversAnUnquotedHexNumber() {
        contextRunner.withPropertyValues("netcode.protocol-id=" + Long.parseUnsignedLong("1122334455667788", 16))
                .run(context -> assertThat(ConnectToken.read(context.getBean(ConnectTokenIssuer.class).issue(1, null)
                        .token()).protocolId()).isEqualTo(0x1122334455667788L));
    }

    @Test
    void invalidProtocolIdFailsStartUpNamingTheProperty() {
        contextRunner.withPropertyValues("netcode.protocol-id=0xZZ").run(context -> {
            assertThat(context).hasFailed();
            assertThat(stackTraceOf(context.getStartupFailure())).contains("netcode.protocol-id");
        });
    }

    @Test
    void timeoutOfZeroFailsStartUpBecauseNoHandshakeCouldComplete() {
        contextRunner.withPropertyValues("netcode.token.timeout=0").run(context -> {
            FailureAnalysis analysis = invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'0s'", "netcode.token.timeout",
                    "no handshake can complete");
            assertThat(analysis.getAction())
                    .isEqualTo("Set netcode.token.timeout to a whole number of seconds, at least 1 (for example 10s).");
        });
    }

    @Test
    void negativeTimeoutFailsStartUpBecauseVanishedClientsWouldKeepTheirSlots() {
        contextRunner.withPropertyValues("netcode.token.timeout=-1").run(context -> {
            FailureAnalysis analysis = invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'-1s'", "netcode.token.timeout", "switches timeouts off",
                    "slot");
            assertThat(analysis.getAction()).contains("netcode.token.timeout", "at least 1");
        });
    }

    @Test
    void expiryOfAFractionOfASecondFailsStartUpInsteadOfBecomingZero() {
        contextRunner.withPropertyValues("netcode.token.expiry=500ms").run(context -> {
            FailureAnalysis analysis = invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'500ms'", "netcode.token.expiry", "whole seconds",
                    "rounding it to 0s");
            assertThat(analysis.getAction())
                    .isEqualTo("Set netcode.token.expiry to a whole number of seconds, at least 1 (for example 30s).");
        });
        contextRunner.withPropertyValues("netcode.token.timeout=1500ms").run(context -> assertThat(
                invalidPropertyAnalysis(context).getDescription()).contains("'1500ms'", "netcode.token.timeout"));
    }

    @Test
    void expiryOfZeroFailsStartUp() {
        contextRunner.withPropertyValues("netcode.token.expiry=0").run(context -> assertThat(
                invalidPropertyAnalysis(context).getDescription()).contains("'0s'", "netcode.token.expiry",
                        "expired when it was issued"));
    }

    @Test
    void wholeSecondsInAnyUnitAreAccepted() {
        contextRunner.withPropertyValues("netcode.token.expiry=2m", "netcode.token.timeout=5000ms").run(context -> {
            ConnectTokenIssuer issuer = context.getBean(ConnectTokenIssuer.class);
            assertThat(issuer.expirySeconds()).isEqualTo(120);
            assertThat(issuer.timeoutSeconds()).isEqualTo(5);
        });
    }

    @Test
    void userDefinedIssuerAndKeyWin() {
        NetcodePrivateKey own = NetcodePrivateKey.decode(KEY_HEX);
        ConnectTokenIssuer issuer = new ConnectTokenIssuer(new ConnectTokenGenerator(own.bytes(), 1),
                () -> List.of(NetcodeAddress.parse("127.0.0.1:1")), java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(5));
        contextRunner.withBean(NetcodePrivateKey.class, () -> own).withBean(ConnectTokenIssuer.class, () -> issuer)
                .run(context -> {
                    assertThat(context.getBean(NetcodePrivateKey.class)).isSameAs(own);
                    assertThat(context.getBean(ConnectTokenIssuer.class)).isSameAs(issuer);
                });
    }

    /** The analysis of the start-up failure of {@code context}, which an invalid property caused. */
    static FailureAnalysis invalidPropertyAnalysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidNetcodePropertyException.class);
        FailureAnalysis analysis = new InvalidNetcodePropertyFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("failure analysis").isNotNull();
        return analysis;
    }

    static String stackTraceOf(Throwable failure) {
        java.io.StringWriter out = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
