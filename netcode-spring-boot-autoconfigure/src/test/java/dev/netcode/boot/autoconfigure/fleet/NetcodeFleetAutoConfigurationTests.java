package dev.netcode.boot.autoconfigure.fleet;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.InvalidNetcodePropertyException;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.fleet.FleetListing;
import dev.netcode.boot.fleet.NetcodeFleet;
import dev.netcode.boot.fleet.RegionParameterFleetRequestCustomizer;
import dev.netcode.boot.server.NetcodeServerLifecycle;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.boot.token.IssuedConnectToken;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.SelectionPolicy;
import dev.netcode.fleet.ServerDirectory;
import dev.netcode.fleet.redis.RedisServerDirectory;
import dev.netcode.fleet.redis.test.RedisServerProcess;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeFleetAutoConfiguration}, one context per condition. */
class NetcodeFleetAutoConfigurationTests {

    static final String KEY_HEX = "606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                    DataRedisAutoConfiguration.class, NetcodeFleetAutoConfiguration.class))
            .withPropertyValues("netcode.private-key=" + KEY_HEX, "netcode.server.bind-address=127.0.0.1:0");

    @Test
    void withoutADirectoryNothingOfTheFleetIsCreated() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed()
                .doesNotHaveBean(ServerDirectory.class)
                .doesNotHaveBean(FleetListing.class)
                .doesNotHaveBean(NetcodeFleet.class)
                .doesNotHaveBean(RegionParameterFleetRequestCustomizer.class);
            assertThat(context.getBean(ConnectTokenIssuer.class).directory()).isNull();
            assertThat(context.getBean(NetcodeServerLifecycle.class).fleetListing()).isNull();
            IssuedConnectToken issued = context.getBean(ConnectTokenIssuer.class).issue(1, null);
            assertThat(issued.serverId()).isNull();
            assertThat(issued.servers()).containsExactly(context.getBean(NetcodeServer.class).localAddress());
        });
    }

    @Test
    void inMemoryDirectoryListsTheGameServerWhileItRunsAndTheIssuerReservesInIt() {
        InMemoryServerDirectory[] directory = new InMemoryServerDirectory[1];
        this.contextRunner
            .withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.server-id=arena-1",
                    "netcode.fleet.region=eu", "netcode.fleet.labels.mode=duel", "netcode.server.max-clients=4",
                    "netcode.fleet.policy=spread", "netcode.fleet.fallback-servers=0")
            .run((context) -> {
                assertThat(context).hasSingleBean(InMemoryServerDirectory.class).hasSingleBean(NetcodeFleet.class);
                directory[0] = context.getBean(InMemoryServerDirectory.class);
                NetcodeServer server = context.getBean(NetcodeServer.class);
                FleetServer listed = directory[0].servers().get(0);
                assertThat(listed.serverId()).isEqualTo("arena-1");
                assertThat(listed.publicAddresses()).containsExactly(server.localAddress());
                assertThat(listed.maxClients()).isEqualTo(4);
                assertThat(listed.labels()).isEqualTo(Map.of("region", "eu", "mode", "duel"));
                assertThat(context.getBean(NetcodeServerLifecycle.class).fleetAnnouncer().isListed()).isTrue();
                NetcodeFleet fleet = context.getBean(NetcodeFleet.class);
                assertThat(fleet.serverId()).isEqualTo("arena-1");
                assertThat(fleet.directoryKind()).isEqualTo("in-memory");
                assertThat(fleet.isListed()).isTrue();

                ConnectTokenIssuer issuer = context.getBean(ConnectTokenIssuer.class);
                assertThat(issuer.directory()).isSameAs(directory[0]);
                IssuedConnectToken issued = issuer.issue(7, null, (request) -> {
                    assertThat(request.policy()).isEqualTo(SelectionPolicy.SPREAD);
                    assertThat(request.fallbackServers()).isZero();
                    return request.region("eu");
                });
                assertThat(issued.serverId()).isEqualTo("arena-1");
                assertThat(issued.servers()).containsExactly(server.localAddress());
                assertThat(directory[0].servers().get(0).reservedSlots()).isOne();
            });
        assertThat(directory[0].servers()).as("withdrawn when the context stops").isEmpty();
    }

    @Test
    void aStoppedServerIsWithdrawnAndListedAgainWhenItStartsAgain() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.server-id=arena-2")
            .run((context) -> {
                ServerDirectory directory = context.getBean(ServerDirectory.class);
                NetcodeServerLifecycle lifecycle = context.getBean(NetcodeServerLifecycle.class);
                context.getSourceApplicationContext().stop();
                assertThat(directory.servers()).isEmpty();
                assertThat(lifecycle.fleetAnnouncer()).isNull();
                context.getSourceApplicationContext().start();
                assertThat(directory.servers()).extracting(FleetServer::serverId).containsExactly("arena-2");
                assertThat(directory.servers().get(0).publicAddresses())
                    .containsExactly(context.getBean(NetcodeServer.class).localAddress());
                assertThat(lifecycle.fleetAnnouncer().isListed()).isTrue();
            });
    }

    @Test
    void aServerStoppedByTheApplicationIsStillWithdrawnAndItsHeartbeatStoppedWhenTheContextCloses() {
        ServerDirectory[] directory = new ServerDirectory[1];
        NetcodeServerLifecycle[] lifecycle = new NetcodeServerLifecycle[1];
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.server-id=arena-3")
            .run((context) -> {
                directory[0] = context.getBean(ServerDirectory.class);
                lifecycle[0] = context.getBean(NetcodeServerLifecycle.class);
                context.getBean(NetcodeServer.class).stop();
                assertThat(lifecycle[0].isRunning()).as("its announcer still runs").isTrue();
            });
        assertThat(lifecycle[0].fleetAnnouncer()).isNull();
        assertThat(directory[0].servers()).as("withdrawn at once, not after the time to live").isEmpty();
    }

    @Test
    void generatedServerIdStartsWithTheApplicationName() {
        this.contextRunner
            .withPropertyValues("netcode.fleet.directory=in-memory", "spring.application.name=Arena Server")
            .run((context) -> assertThat(context.getBean(FleetListing.class).serverId())
                .matches("Arena-Server-[0-9a-f]{8}"));
        this.contextRunner.withPropertyValues("netcode.fleet.directory=IN_MEMORY")
            .run((context) -> assertThat(context.getBean(FleetListing.class).serverId()).matches("netcode-[0-9a-f]{8}"));
    }

    @Test
    void redisDirectoryUsesTheApplicationsRedisConnectionFactoryWithThePrefixAndTimeToLive() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            this.contextRunner
                .withPropertyValues("netcode.fleet.directory=redis", "netcode.fleet.server-id=arena-r",
                        "netcode.fleet.redis.key-prefix=game:{one}:", "netcode.fleet.time-to-live=30s",
                        "netcode.fleet.heartbeat-interval=10s", "spring.data.redis.host=" + redis.host(),
                        "spring.data.redis.port=" + redis.port())
                .run((context) -> {
                    assertThat(context).hasSingleBean(RedisServerDirectory.class);
                    assertThat(context.getBean(NetcodeFleet.class).directoryKind()).isEqualTo("redis");
                    assertThat(redis.command("ZRANGE", "game:{one}:servers", "0", "-1")).isEqualTo(List.of("arena-r"));
                    long ttl = (Long) redis.command("PTTL", "game:{one}:server:arena-r");
                    assertThat(ttl).isBetween(20_000L, 30_000L);
                    assertThat(redis.command("EXISTS", "netcode:{fleet}:servers")).isEqualTo(0L);
                    NetcodeAddress address = context.getBean(NetcodeServer.class).localAddress();
                    assertThat(context.getBean(ConnectTokenIssuer.class).issue(9, null).servers())
                        .containsExactly(address);
                });
            assertThat(redis.command("ZRANGE", "game:{one}:servers", "0", "-1")).as("withdrawn on close")
                .isEqualTo(List.of());
        }
    }

    @Test
    void applicationsOwnDirectoryWinsOverTheConfiguredOne() {
        // No Redis and no connection factory: the application's directory is used, nothing fails.
        this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
            .withUserConfiguration(OwnDirectoryConfiguration.class)
            .withPropertyValues("netcode.fleet.directory=redis")
            .run((context) -> {
                assertThat(context).hasNotFailed().hasSingleBean(ServerDirectory.class).hasBean("ownDirectory");
                assertThat(context.getBean(ConnectTokenIssuer.class).directory())
                    .isSameAs(context.getBean("ownDirectory"));
                assertThat(context.getBean(NetcodeFleet.class).directory()).isSameAs(context.getBean("ownDirectory"));
            });
    }

    @Test
    void redisWithoutSpringDataRedisFailsNamingTheStarterAndTheProperties() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
            .withPropertyValues("netcode.fleet.directory=redis")
            .run((context) -> {
                FailureAnalysis analysis = analysis(context);
                assertThat(analysis.getDescription()).contains("Spring Data Redis is not on the class path");
                assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
                    .contains("spring.data.redis.*")
                    .contains("netcode.fleet.directory");
            });
    }

    @Test
    void redisWithoutAConnectionFactoryBeanFailsNamingTheProperties() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                    NetcodeFleetAutoConfiguration.class))
            .withPropertyValues("netcode.private-key=" + KEY_HEX, "netcode.server.bind-address=127.0.0.1:0",
                    "netcode.fleet.directory=redis")
            .run((context) -> {
                FailureAnalysis analysis = analysis(context);
                assertThat(analysis.getDescription()).contains("no single RedisConnectionFactory bean");
                assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
                    .contains("spring.data.redis.*");
            });
    }

    @Test
    void redisWithoutNetcodeFleetRedisFailsNamingTheModule() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(RedisServerDirectory.class))
            .withPropertyValues("netcode.fleet.directory=redis")
            .run((context) -> assertThat(analysis(context).getDescription()).contains("netcode-fleet-redis"));
    }

    @Test
    void withTheServerDisabledOnlyTheIssuerUsesTheDirectory() {
        this.contextRunner.withPropertyValues("netcode.server.enabled=false", "netcode.fleet.directory=in-memory")
            .run((context) -> {
                assertThat(context).hasSingleBean(ServerDirectory.class)
                    .hasSingleBean(NetcodeFleet.class)
                    .doesNotHaveBean(NetcodeServer.class)
                    .doesNotHaveBean(FleetListing.class);
                NetcodeFleet fleet = context.getBean(NetcodeFleet.class);
                assertThat(fleet.serverId()).isNull();
                assertThat(fleet.isListed()).isFalse();
                assertThat(context.getBean(ConnectTokenIssuer.class).directory())
                    .isSameAs(context.getBean(ServerDirectory.class));
            });
    }

    @Test
    void regionParameterCustomizerOnlyInAServletApplicationWithAFleet() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeFleetAutoConfiguration.class))
            .withPropertyValues("netcode.server.enabled=false", "netcode.private-key=" + KEY_HEX);
        web.withPropertyValues("netcode.fleet.directory=in-memory")
            .run((context) -> assertThat(context).hasSingleBean(RegionParameterFleetRequestCustomizer.class));
        web.run((context) -> assertThat(context).doesNotHaveBean(RegionParameterFleetRequestCustomizer.class));
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory")
            .run((context) -> assertThat(context).doesNotHaveBean(RegionParameterFleetRequestCustomizer.class));
    }

    @Test
    void heartbeatLongerThanAThirdOfTheTimeToLiveFailsStartUp() {
        assertInvalid("netcode.fleet.heartbeat-interval", "longer than a third of netcode.fleet.time-to-live",
                "netcode.fleet.time-to-live=3s", "netcode.fleet.heartbeat-interval=1001ms");
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.time-to-live=3s",
                "netcode.fleet.heartbeat-interval=1s")
            .run((context) -> assertThat(context).hasNotFailed());
        assertInvalid("netcode.fleet.time-to-live", "drop out of the fleet", "netcode.fleet.time-to-live=0s");
    }

    @Test
    void fallbackServersBeyondWhatATokenCanListFailStartUp() {
        assertInvalid("netcode.fleet.fallback-servers", "at most 32 servers", "netcode.fleet.fallback-servers=32");
        assertInvalid("netcode.fleet.fallback-servers", "at most 32 servers", "netcode.fleet.fallback-servers=-1");
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory", "netcode.fleet.fallback-servers=31")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void invalidServerIdAndLabelsFailStartUp() {
        assertInvalid("netcode.fleet.server-id", "cannot name a server", "netcode.fleet.server-id=arena one");
        assertInvalid("netcode.fleet.labels", "at most 16 labels", labels(17));
        assertInvalid("netcode.fleet.labels.region", "netcode.fleet.region sets the same label",
                "netcode.fleet.region=eu", "netcode.fleet.labels.region=us");
        assertInvalid("netcode.fleet.region", "blank region", "netcode.fleet.region= ");
    }

    @Test
    void anUnknownDirectoryTypeFailsBindingWithThePropertyName() {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=zookeeper")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("zookeeper"));
        this.contextRunner.withPropertyValues("netcode.fleet.directory=zookeeper")
            .run((context) -> assertThat(context.getStartupFailure()).hasStackTraceContaining("netcode.fleet.directory"));
    }

    private void assertInvalid(String property, String reason, String... properties) {
        this.contextRunner.withPropertyValues("netcode.fleet.directory=in-memory")
            .withPropertyValues(properties)
            .run((context) -> {
                assertThat(context).getFailure().rootCause().isInstanceOf(InvalidNetcodePropertyException.class);
                Throwable root = context.getStartupFailure();
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                InvalidNetcodePropertyException invalid = (InvalidNetcodePropertyException) root;
                assertThat(invalid.getProperty()).isEqualTo(property);
                assertThat(invalid.getReason()).contains(reason);
            });
    }

    private static String[] labels(int count) {
        String[] labels = new String[count];
        for (int i = 0; i < count; i++) {
            labels[i] = "netcode.fleet.labels.key" + i + "=v";
        }
        return labels;
    }

    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        while (failure != null && !(failure instanceof FailureAnalyzedException)) {
            failure = failure.getCause();
        }
        assertThat(failure).as("a FailureAnalyzedException in " + context.getStartupFailure()).isNotNull();
        return ((FailureAnalyzedException) failure).analysis();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDirectoryConfiguration {

        @Bean
        ServerDirectory ownDirectory() {
            return new InMemoryServerDirectory();
        }

    }

}
