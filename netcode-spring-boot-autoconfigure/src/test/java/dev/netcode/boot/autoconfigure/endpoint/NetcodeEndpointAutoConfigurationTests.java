package dev.netcode.boot.autoconfigure.endpoint;

import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpointWebExtension;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.NetcodeServerDescriptor;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.transport.SocketBufferSizes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/** Tests for {@link NetcodeEndpointAutoConfiguration}. */
class NetcodeEndpointAutoConfigurationTests {

    private final byte[] key = SecureRandomBytes.key();

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeEndpointAutoConfiguration.class))
        .withPropertyValues("netcode.private-key=" + HexFormat.of().formatHex(this.key),
                "netcode.protocol-id=0x1122334455667788", "netcode.server.bind-address=127.0.0.1:0");

    @Test
    void endpointIsAutoConfiguredWhenExposed() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=netcode")
            .run((context) -> assertThat(context).hasSingleBean(NetcodeEndpoint.class)
                .hasSingleBean(NetcodeEndpointWebExtension.class));
    }

    @Test
    void endpointIsAutoConfiguredWhenExposedOverJmx() {
        this.contextRunner
            .withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=netcode")
            .run((context) -> assertThat(context).hasSingleBean(NetcodeEndpoint.class)
                .doesNotHaveBean(NetcodeEndpointWebExtension.class));
    }

    @Test
    void endpointIsAutoConfiguredWithReadOnlyAccess() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=netcode",
                    "management.endpoint.netcode.access=READ_ONLY")
            .run((context) -> assertThat(context).hasSingleBean(NetcodeEndpoint.class));
    }

    @Test
    void endpointIsNotAutoConfiguredWhenNotExposed() {
        this.contextRunner.run((context) -> assertThat(context).hasSingleBean(NetcodeServer.class)
            .doesNotHaveBean(NetcodeEndpoint.class));
    }

    @Test
    void endpointIsNotAutoConfiguredWhenAccessIsNone() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=netcode",
                    "management.endpoint.netcode.access=NONE")
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeEndpoint.class));
    }

    @Test
    void endpointIsNotAutoConfiguredWithoutActuator() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=netcode")
            .withClassLoader(new FilteredClassLoader(Endpoint.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(NetcodeServer.class)
                .doesNotHaveBean(NetcodeEndpoint.class));
    }

    @Test
    void endpointIsNotAutoConfiguredWhenTheServerIsDisabled() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=netcode", "netcode.server.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(ConnectTokenIssuer.class)
                .doesNotHaveBean(NetcodeEndpoint.class));
    }

    @Test
    void endpointBacksOffWhenUserProvidedEndpointIsPresent() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=netcode")
            .withUserConfiguration(CustomEndpointConfiguration.class)
            .run((context) -> assertThat(context).hasSingleBean(NetcodeEndpoint.class).hasBean("customEndpoint"));
    }

    @Test
    void descriptorOfTheAutoConfiguredServerNeverContainsTheConfiguredKey() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=netcode")
            .run(this::assertDescriptorWithAClientHasNoKeyMaterial);
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=netcode",
                    "netcode.private-key=" + Base64.getEncoder().encodeToString(this.key))
            .run(this::assertDescriptorWithAClientHasNoKeyMaterial);
    }

    @Test
    void descriptorShowsTheSocketBuffersTheOsGrantedAndWhatMaxClientsNeed() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=netcode", "netcode.server.max-clients=16",
                    "netcode.server.socket-buffer-size=128KB")
            .run((context) -> {
                SocketBufferSizes granted = context.getBean(NetcodeServer.class).socketBuffers();
                String json = JsonMapper.builder()
                    .build()
                    .writeValueAsString(context.getBean(NetcodeEndpoint.class).server());
                assertThat(json).contains("\"socketBuffers\":{\"neededBytes\":" + 16 * 4 * 1300
                        + ",\"receiveBytes\":" + granted.receiveBytes() + ",\"requestedBytes\":131072,\"sendBytes\":"
                        + granted.sendBytes() + "}");
            });
    }

    private void assertDescriptorWithAClientHasNoKeyMaterial(
            org.springframework.boot.test.context.assertj.AssertableApplicationContext context) throws Exception {
        NetcodeServer server = context.getBean(NetcodeServer.class);
        byte[] token = context.getBean(ConnectTokenIssuer.class).issue(99, null).token();
        try (NetcodeClient client = UdpTestClients.connect(token)) {
            assertThat(UdpTestClients.await(() -> server.connectedClientCount() == 1)).isTrue();
            NetcodeServerDescriptor descriptor = context.getBean(NetcodeEndpoint.class).server();
            assertThat(descriptor.getClients()).singleElement()
                .satisfies((slot) -> assertThat(slot.getClientId()).isEqualTo("99"));
            String json = JsonMapper.builder().build().writeValueAsString(descriptor);
            assertThat(json).contains("\"clientId\":\"99\"").contains("\"protocolId\":\"0x1122334455667788\"");
            String hex = HexFormat.of().formatHex(this.key);
            assertThat(json).doesNotContainIgnoringCase(hex)
                .doesNotContain(Base64.getEncoder().encodeToString(this.key))
                .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(this.key))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(this.key));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomEndpointConfiguration {

        @Bean
        NetcodeEndpoint customEndpoint() {
            return new NetcodeEndpoint(mock(NetcodeServer.class));
        }

    }

}
