package dev.netcode.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.autoconfigure.fleet.NetcodeFleetAutoConfiguration;
import dev.netcode.boot.fleet.NetcodeFleetFullException;
import dev.netcode.boot.metrics.NetcodeFleetMetrics;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.fleet.redis.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Tests for the fleet meters of {@link NetcodeMetricsAutoConfiguration}. */
class NetcodeFleetMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, NetcodeAutoConfiguration.class,
                NetcodeServerAutoConfiguration.class, DataRedisAutoConfiguration.class,
                NetcodeFleetAutoConfiguration.class, NetcodeMetricsAutoConfiguration.class))
        .withUserConfiguration(NetcodeMetricsAutoConfigurationTests.MeterRegistryConfiguration.class)
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0", "netcode.server.max-clients=2");

    @Test
    void fleetMetersFollowTheReservationsAndTheFleet() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory").run((context) -> {
            SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
            assertThat(registry.get("netcode.fleet.servers").gauge().value()).isOne();
            assertThat(registry.get("netcode.fleet.free.slots").gauge().value()).isEqualTo(2);
            ConnectTokenIssuer issuer = context.getBean(ConnectTokenIssuer.class);
            issuer.issue(1, null);
            issuer.issue(2, null);
            assertThatExceptionOfType(NetcodeFleetFullException.class).isThrownBy(() -> issuer.issue(3, null));
            assertThat(registry.get("netcode.fleet.reservations").tag("result", "made").functionCounter().count())
                .isEqualTo(2);
            assertThat(registry.get("netcode.fleet.reservations").tag("result", "refused").functionCounter().count())
                .isOne();
            assertThat(registry.get("netcode.fleet.reservations").tag("result", "unavailable").functionCounter().count())
                .isZero();
            assertThat(registry.get("netcode.fleet.free.slots").gauge().value()).isZero();
            assertThat(registry.get("netcode.fleet.reservations.expired").functionCounter().count()).isZero();
            assertThat(registry.get("netcode.fleet.malformed.entries").functionCounter().count()).isZero();
            assertThat(registry.find("netcode.fleet.servers").meters()).hasSize(1);
            for (Meter meter : registry.getMeters()) {
                if (meter.getId().getName().startsWith("netcode.fleet")) {
                    assertThat(meter.getId().getTags()).as(meter.getId().getName())
                        .allSatisfy((tag) -> assertThat(tag.getKey()).isEqualTo("result"));
                }
            }
        });
    }

    @Test
    void unreachableDirectoryCountsUnavailableAndGaugesHaveNoValue() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            this.contextRunner
                .withPropertyValues("netcode.fleet.directory=redis", "spring.data.redis.host=" + redis.host(),
                        "spring.data.redis.port=" + redis.port(), "spring.data.redis.timeout=1s")
                .run((context) -> {
                    SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
                    assertThat(registry.get("netcode.fleet.servers").gauge().value()).isOne();
                    redis.kill();
                    assertThatExceptionOfType(ServerDirectoryUnavailableException.class)
                        .isThrownBy(() -> context.getBean(ConnectTokenIssuer.class).issue(1, null));
                    assertThat(registry.get("netcode.fleet.reservations").tag("result", "unavailable")
                        .functionCounter().count()).isOne();
                    assertThat(registry.get("netcode.fleet.servers").gauge().value()).isNaN();
                    assertThat(registry.get("netcode.fleet.free.slots").gauge().value()).isNaN();
                });
        }
    }

    @Test
    void noFleetMetersOutsideAFleet() {
        this.contextRunner.run((context) -> {
            assertThat(context).doesNotHaveBean(NetcodeFleetMetrics.class);
            assertThat(context.getBean(SimpleMeterRegistry.class).find("netcode.fleet.servers").meters()).isEmpty();
        });
    }

}
