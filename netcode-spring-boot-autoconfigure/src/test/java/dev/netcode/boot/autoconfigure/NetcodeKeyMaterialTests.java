package dev.netcode.boot.autoconfigure;

import java.lang.reflect.Field;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.netcode.Bytes;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The key material the starter's beans hold: every copy is zeroed when the application context
 * closes, and a WARN at start-up says when the actuator serves heap dumps (which hold the keys) over
 * the web. The key arrays are private and read by reflection.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeKeyMaterialTests {

    private static final String WARNING = "The actuator's heapdump endpoint is exposed over the web";

    @Test
    void closingTheContextWipesTheKeyInTheKeyBeanTheIssuerAndTheServer() throws Exception {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class,
                        NetcodeServerAutoConfiguration.class))
                .withPropertyValues("netcode.private-key=" + NetcodeAutoConfigurationTests.KEY_HEX,
                        "netcode.server.bind-address=127.0.0.1:0")
                .run(context -> {
                    NetcodePrivateKey key = context.getBean(NetcodePrivateKey.class);
                    ConnectTokenIssuer issuer = context.getBean(ConnectTokenIssuer.class);
                    ServerConfig config = context.getBean(NetcodeServer.class).config();
                    byte[] expected = Bytes.fromHex(NetcodeAutoConfigurationTests.KEY_HEX);
                    ConnectTokenGenerator generator = field(issuer, "generator", ConnectTokenGenerator.class);
                    assertThat(field(key, "key", byte[].class)).isEqualTo(expected);
                    assertThat(field(generator, "privateKey", byte[].class)).isEqualTo(expected);
                    assertThat(field(config, "privateKey", byte[].class)).isEqualTo(expected);

                    context.close();

                    assertThat(field(key, "key", byte[].class)).containsOnly(0);
                    assertThat(field(generator, "privateKey", byte[].class)).containsOnly(0);
                    assertThat(field(config, "privateKey", byte[].class)).containsOnly(0);
                    assertThatIllegalStateException().isThrownBy(key::bytes);
                });
    }

    @Test
    void aGeneratedKeyIsWipedToo() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class))
                .withPropertyValues("netcode.server.enabled=false").run(context -> {
                    NetcodePrivateKey key = context.getBean(NetcodePrivateKey.class);
                    assertThat(key.isGenerated()).isTrue();
                    assertThat(field(key, "key", byte[].class)).isNotEqualTo(new byte[32]);
                    context.close();
                    assertThat(field(key, "key", byte[].class)).containsOnly(0);
                });
    }

    // Access values in upper case: the runner's environment lacks the lenient enum conversion of SpringApplication's.

    @Test
    void exposingHeapDumpsOverTheWebLogsAWarningOnce(CapturedOutput output) {
        webContext().withPropertyValues("management.endpoints.web.exposure.include=*",
                "management.endpoint.heapdump.access=UNRESTRICTED").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).containsOnlyOnce(WARNING).contains("WARN");
                    assertThat(output.toString()).doesNotContain(NetcodeAutoConfigurationTests.KEY_HEX.substring(0, 16));
                });
    }

    @Test
    void heapdumpNamedAmongTheExposedEndpointsWithReadAccessForAllWarnsToo(CapturedOutput output) {
        webContext().withPropertyValues("management.endpoints.web.exposure.include=health,heapdump",
                "management.endpoints.access.default=READ_ONLY")
                .run(context -> assertThat(output).containsOnlyOnce(WARNING));
    }

    @Test
    void noWarningWhileHeapdumpIsNotServedOverTheWeb(CapturedOutput output) {
        webContext().run(context -> assertThat(context).hasNotFailed());
        // Exposing every endpoint leaves heapdump's access at its default, none.
        webContext().withPropertyValues("management.endpoints.web.exposure.include=*")
                .run(context -> assertThat(context).hasNotFailed());
        webContext().withPropertyValues("management.endpoints.web.exposure.include=*",
                "management.endpoints.web.exposure.exclude=heapdump", "management.endpoint.heapdump.access=UNRESTRICTED")
                .run(context -> assertThat(context).hasNotFailed());
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class))
                .withPropertyValues("netcode.server.enabled=false", "management.endpoints.web.exposure.include=*",
                        "management.endpoint.heapdump.access=UNRESTRICTED")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output).doesNotContain(WARNING);
    }

    private static WebApplicationContextRunner webContext() {
        return new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class))
                .withPropertyValues("netcode.private-key=" + NetcodeAutoConfigurationTests.KEY_HEX,
                        "netcode.server.enabled=false");
    }

    private static <T> T field(Object owner, String name, Class<T> type) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(owner));
    }
}
