package dev.netcode.boot.autoconfigure.health;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.fleet.NetcodeFleetAutoConfiguration;
import dev.netcode.boot.health.NetcodeFleetHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeFleetHealthContributorAutoConfiguration}. */
class NetcodeFleetHealthContributorAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeFleetAutoConfiguration.class, NetcodeFleetHealthContributorAutoConfiguration.class,
                HealthContributorAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0", "netcode.server.max-clients=5");

    @Test
    void componentNetcodeFleetReportsTheFleetAndThisServer() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.server-id=arena-h")
            .run((context) -> {
                assertThat(context).hasSingleBean(NetcodeFleetHealthIndicator.class)
                    .hasBean("netcodeFleetHealthContributor");
                Health health = context.getBean(NetcodeFleetHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("directory", "in-memory")
                    .containsEntry("servers", 1)
                    .containsEntry("freeSlots", 5)
                    .containsEntry("serverId", "arena-h")
                    .containsEntry("listed", true);
            });
    }

    @Test
    void onAnIssuerWithoutAServerThereIsNoServerDetail() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.server.enabled=false")
            .run((context) -> assertThat(context.getBean(NetcodeFleetHealthIndicator.class).health().getDetails())
                .containsEntry("servers", 0)
                .doesNotContainKeys("serverId", "listed"));
    }

    @Test
    void noIndicatorOutsideAFleet() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(NetcodeFleetHealthIndicator.class));
    }

    @Test
    void indicatorCanBeDisabled() {
        this.contextRunner
            .withPropertyValues("netcode.fleet.directory=in-memory", "management.health.netcode-fleet.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeFleetHealthIndicator.class));
    }

    @Test
    void applicationsOwnIndicatorWins() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory")
            .withUserConfiguration(OwnIndicator.class)
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeFleetHealthIndicator.class)
                .hasBean("netcodeFleetHealthIndicator"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnIndicator {

        @Bean
        HealthIndicator netcodeFleetHealthIndicator() {
            return () -> Health.up().build();
        }

    }

}
