package dev.netcode.boot.autoconfigure.health;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.health.NetcodeServerHealthIndicator;
import dev.netcode.server.NetcodeServer;

/**
 * Auto-configuration for {@link NetcodeServerHealthIndicator}: one indicator for a single
 * {@link NetcodeServer}, a composite keyed by bean name for several. Switched off by
 * {@code management.health.netcode.enabled=false}; a bean named {@code netcodeHealthIndicator} or
 * {@code netcodeHealthContributor} replaces it.
 */
@AutoConfiguration(after = NetcodeServerAutoConfiguration.class)
@ConditionalOnClass({ NetcodeServer.class, NetcodeServerHealthIndicator.class,
        ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(NetcodeServer.class)
@ConditionalOnEnabledHealthIndicator("netcode")
public final class NetcodeHealthContributorAutoConfiguration
        extends CompositeHealthContributorConfiguration<NetcodeServerHealthIndicator, NetcodeServer> {

    NetcodeHealthContributorAutoConfiguration() {
        super(NetcodeServerHealthIndicator::new);
    }

    @Bean
    @ConditionalOnMissingBean(name = { "netcodeHealthIndicator", "netcodeHealthContributor" })
    HealthContributor netcodeHealthContributor(ConfigurableListableBeanFactory beanFactory) {
        return createContributor(beanFactory, NetcodeServer.class);
    }

}
