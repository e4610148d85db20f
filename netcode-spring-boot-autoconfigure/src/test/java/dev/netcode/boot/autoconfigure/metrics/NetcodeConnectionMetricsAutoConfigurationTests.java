package dev.netcode.boot.autoconfigure.metrics;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessageConverterAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessagingAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.metrics.NetcodeConnectionMetrics;
import dev.netcode.boot.testsupport.ChannelTestClient;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.message.MessageConfig;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for the connection meters of {@link NetcodeMetricsAutoConfiguration}. */
class NetcodeConnectionMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, NetcodeAutoConfiguration.class,
                NetcodeServerAutoConfiguration.class, NetcodeListenerAutoConfiguration.class,
                NetcodeMessageConverterAutoConfiguration.class, NetcodeMessagingAutoConfiguration.class,
                NetcodeMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0");

    @Test
    void withoutChannelsThereAreNoConnectionMeters() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(NetcodeConnectionMetrics.class);
            assertThat(context.getBean(SimpleMeterRegistry.class).find("netcode.connection.rtt").meter()).isNull();
        });
    }

    @Test
    void withChannelsEveryConnectedClientIsSampledIntoUntaggedSummaries() {
        this.contextRunner.withPropertyValues("netcode.channels.chat.delivery=reliable-ordered").run((context) -> {
            NetcodeConnectionMetrics metrics = context.getBean(NetcodeConnectionMetrics.class);
            SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
            DistributionSummary rtt = registry.get("netcode.connection.rtt").summary();
            assertThat(rtt.getId().getBaseUnit()).isEqualTo("milliseconds");
            assertThat(registry.get("netcode.listener.reliable.overruns").functionCounter().count()).isZero();
            assertThat(metrics.sample()).as("no client, no sample").isZero();
            try (ChannelTestClient first = ChannelTestClient.connect(context.getBean(MessageConfig.class),
                    context.getBean(ConnectTokenIssuer.class).issue(1, null).token());
                    ChannelTestClient second = ChannelTestClient.connect(context.getBean(MessageConfig.class),
                            context.getBean(ConnectTokenIssuer.class).issue(2, null).token())) {
                assertThat(UdpTestClients.await(() -> metrics.sample() == 2)).isTrue();
                long count = rtt.count();
                assertThat(metrics.sample()).isEqualTo(2);
                assertThat(rtt.count()).isEqualTo(count + 2);
                for (String name : new String[] { "netcode.connection.rtt", "netcode.connection.packet.loss",
                        "netcode.connection.bandwidth.sent", "netcode.connection.bandwidth.received",
                        "netcode.connection.bandwidth.acked" }) {
                    assertThat(registry.get(name).summaries()).as(name).hasSize(1);
                    assertThat(registry.get(name).summary().getId().getTags()).as(name).isEmpty();
                }
            }
        });
    }

    @Test
    void samplingStopsWhenTheContextCloses() {
        this.contextRunner.withPropertyValues("netcode.channels.chat.delivery=reliable-ordered").run((context) -> {
            NetcodeConnectionMetrics metrics = context.getBean(NetcodeConnectionMetrics.class);
            ScheduledExecutorService sampler = (ScheduledExecutorService) ReflectionTestUtils.getField(metrics,
                    "sampler");
            assertThat(sampler).isNotNull();
            assertThat(sampler.isShutdown()).isFalse();
            context.close();
            assertThat(sampler.awaitTermination(UdpTestClients.MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(metrics.getInterval()).isEqualTo(NetcodeConnectionMetrics.DEFAULT_INTERVAL);
        });
    }
}
