package dev.netcode.boot.autoconfigure.health;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.health.NetcodeServerHealthIndicator;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeHealthContributorAutoConfiguration}. */
class NetcodeHealthContributorAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0", "netcode.server.max-clients=5");

    @Test
    void indicatorReportsTheRunningServer() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(NetcodeServerHealthIndicator.class).hasBean("netcodeHealthContributor");
            Health health = context.getBean(NetcodeServerHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("maxClients", 5)
                .containsEntry("connectedClients", 0)
                .containsEntry("boundAddress", context.getBean(NetcodeServer.class).localAddress().toString());
        });
    }

    @Test
    void indicatorCanBeDisabled() {
        this.contextRunner.withPropertyValues("management.health.netcode.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(NetcodeServer.class)
                .doesNotHaveBean(NetcodeServerHealthIndicator.class));
    }

    @Test
    void indicatorIsNotCreatedWhenTheServerIsDisabled() {
        this.contextRunner.withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(ConnectTokenIssuer.class)
                .doesNotHaveBean(NetcodeServerHealthIndicator.class));
    }

    @Test
    void indicatorIsNotCreatedWithoutBootHealth() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(NetcodeServer.class)
                .doesNotHaveBean(NetcodeServerHealthIndicator.class));
    }

    @Test
    void indicatorBacksOffWhenUserProvidedIndicatorIsPresent() {
        this.contextRunner
            .withBean("netcodeHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
            .run((context) -> assertThat(context).hasBean("netcodeHealthIndicator")
                .doesNotHaveBean("netcodeHealthContributor")
                .doesNotHaveBean(NetcodeServerHealthIndicator.class));
    }

}
