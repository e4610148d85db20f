package dev.netcode.boot.autoconfigure.metrics;

import java.util.Locale;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.metrics.ConnectTokenIssuerMetrics;
import dev.netcode.boot.metrics.NetcodeListenerMetrics;
import dev.netcode.boot.metrics.NetcodeServerMetrics;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.NetcodeClient;
import dev.netcode.packet.DropReason;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeMetricsAutoConfiguration}. */
class NetcodeMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, NetcodeAutoConfiguration.class,
                NetcodeServerAutoConfiguration.class, NetcodeMetricsAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0", "netcode.server.max-clients=6");

    @Test
    void serverMetersAreRegisteredAndFollowTheServer() {
        this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(NetcodeServerMetrics.class).hasSingleBean(ConnectTokenIssuerMetrics.class);
            SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
            assertThat(registry.get("netcode.server.max.connections").gauge().value()).isEqualTo(6);
            assertThat(registry.get("netcode.server.connections").gauge().value()).isZero();
            assertThat(registry.get("netcode.server.connections.accepted").functionCounter().count()).isZero();
            assertThat(registry.get("netcode.server.connections.denied").functionCounter()).isNotNull();
            assertThat(registry.get("netcode.server.handshakes.superseded").functionCounter()).isNotNull();
            assertThat(registry.get("netcode.server.packets.sent").functionCounter()).isNotNull();
            NetcodeServer server = context.getBean(NetcodeServer.class);
            byte[] token = context.getBean(ConnectTokenIssuer.class).issue(5, null).token();
            try (NetcodeClient client = UdpTestClients.connect(token)) {
                assertThat(UdpTestClients.await(() -> server.connectedClientCount() == 1)).isTrue();
                assertThat(registry.get("netcode.server.connections").gauge().value()).isEqualTo(1);
                assertThat(registry.get("netcode.server.connections.accepted").functionCounter().count()).isEqualTo(1);
                assertThat(registry.get("netcode.server.packets.received").functionCounter().count()).isPositive();
                assertThat(registry.get("netcode.tokens.issued").functionCounter().count()).isEqualTo(1);
            }
        });
    }

    @Test
    void droppedPacketsHaveOneCounterPerReason() {
        this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
            SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
            assertThat(registry.get("netcode.server.packets.dropped").functionCounters())
                .hasSize(DropReason.values().length);
            for (DropReason reason : DropReason.values()) {
                FunctionCounter counter = registry.get("netcode.server.packets.dropped")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .functionCounter();
                assertThat(counter.count()).isZero();
            }
            context.getBean(NetcodeServer.class).statistics().drops().increment(DropReason.REPLAYED);
            assertThat(registry.get("netcode.server.packets.dropped").tag("reason", "replayed").functionCounter().count())
                .isEqualTo(1);
        });
    }

    @Test
    void listenerMetersFollowTheDispatcher() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(NetcodeListenerAutoConfiguration.class))
            .withUserConfiguration(MeterRegistryConfiguration.class, FailingListenerConfiguration.class)
            .run((context) -> {
                assertThat(context).hasSingleBean(NetcodeListenerDispatcher.class)
                    .hasSingleBean(NetcodeListenerMetrics.class);
                SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
                assertThat(registry.get("netcode.listener.errors").functionCounter().count()).isZero();
                assertThat(registry.get("netcode.listener.payloads.dropped").functionCounters())
                    .extracting((counter) -> counter.getId().getTag("reason"))
                    .containsExactlyInAnyOrder("queue_full", "memory_limit");
                assertThat(registry.get("netcode.listener.payloads.dropped").functionCounters())
                    .allSatisfy((counter) -> assertThat(counter.count()).isZero());
                assertThat(registry.get("netcode.listener.queued").gauge().value()).isZero();
                byte[] token = context.getBean(ConnectTokenIssuer.class).issue(8, null).token();
                try (NetcodeClient client = UdpTestClients.connect(token)) {
                    client.sendPayload(new byte[] { 1 }, 0, 1);
                    assertThat(UdpTestClients
                        .await(() -> registry.get("netcode.listener.errors").functionCounter().count() == 1)).isTrue();
                }
            });
    }

    @Test
    void listenerMetersAreAbsentWithoutTheDispatcher() {
        this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
            assertThat(context).doesNotHaveBean(NetcodeListenerMetrics.class);
            assertThat(context.getBean(SimpleMeterRegistry.class).find("netcode.listener.errors").meter()).isNull();
        });
    }

    @Test
    void tokenMetersRemainWhenTheServerIsDisabled() {
        this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class)
            .withPropertyValues("netcode.server.enabled=false")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(NetcodeServerMetrics.class)
                    .hasSingleBean(ConnectTokenIssuerMetrics.class);
                context.getBean(ConnectTokenIssuer.class).issue(1, null);
                context.getBean(ConnectTokenIssuer.class).issue(2, null);
                SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
                assertThat(registry.get("netcode.tokens.issued").functionCounter().count()).isEqualTo(2);
                assertThat(registry.find("netcode.server.connections").meter()).isNull();
            });
    }

    @Test
    void backsOffWithoutAMeterRegistry() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(MeterRegistry.class)
            .doesNotHaveBean(NetcodeServerMetrics.class)
            .doesNotHaveBean(ConnectTokenIssuerMetrics.class));
    }

    @Test
    void backsOffWithoutMicrometer() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(NetcodeServer.class)
                .doesNotHaveBean(NetcodeServerMetrics.class));
    }

    @Test
    void userProvidedServerMetricsWin() {
        this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class, CustomMetricsConfiguration.class)
            .run((context) -> assertThat(context).hasSingleBean(NetcodeServerMetrics.class)
                .hasBean("customServerMetrics"));
    }

    @Configuration(proxyBeanMethods = false)
    static class MeterRegistryConfiguration {

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class CustomMetricsConfiguration {

        @Bean
        NetcodeServerMetrics customServerMetrics(NetcodeServer server) {
            return new NetcodeServerMetrics(server);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class FailingListenerConfiguration {

        @Bean
        FailingListener failingListener() {
            return new FailingListener();
        }

    }

    static class FailingListener {

        @NetcodeListener
        void fail(byte[] payload) {
            throw new IllegalStateException("listener failure expected by the test");
        }

    }

}
