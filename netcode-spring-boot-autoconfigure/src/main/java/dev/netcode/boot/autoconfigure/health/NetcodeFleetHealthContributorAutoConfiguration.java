package dev.netcode.boot.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import dev.netcode.boot.autoconfigure.fleet.NetcodeFleetAutoConfiguration;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.boot.health.NetcodeFleetHealthIndicator;

/**
 * Auto-configuration for {@link NetcodeFleetHealthIndicator}: health component
 * {@code netcodeFleet} in a fleet. Switched off by {@code management.health.netcode-fleet.enabled=false};
 * a bean named {@code netcodeFleetHealthIndicator} or {@code netcodeFleetHealthContributor}
 * replaces it.
 */
@AutoConfiguration(after = NetcodeFleetAutoConfiguration.class)
@ConditionalOnClass({ NetcodeFleet.class, NetcodeFleetHealthIndicator.class,
        ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(NetcodeFleet.class)
@ConditionalOnEnabledHealthIndicator("netcode-fleet")
public final class NetcodeFleetHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = { "netcodeFleetHealthIndicator", "netcodeFleetHealthContributor" })
    HealthContributor netcodeFleetHealthContributor(NetcodeFleet fleet) {
        return new NetcodeFleetHealthIndicator(fleet);
    }

}
