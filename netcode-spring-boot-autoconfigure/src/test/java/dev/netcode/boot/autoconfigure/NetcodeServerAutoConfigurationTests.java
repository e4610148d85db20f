package dev.netcode.boot.autoconfigure;

import java.net.BindException;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.InvalidNetcodeAddressException;
import dev.netcode.boot.NetcodeBindException;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.NetcodePublicAddressRequiredException;
import dev.netcode.boot.server.NetcodeServerCustomizer;
import dev.netcode.boot.server.NetcodeServerLifecycle;
import dev.netcode.boot.testsupport.AutoTransport;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.NetcodeClient;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerWarmUp;
import dev.netcode.token.ConnectToken;
import dev.netcode.transport.NativeUdpTransport;
import dev.netcode.transport.SocketBufferSizes;
import dev.netcode.transport.TransportProvider;
import dev.netcode.transport.TransportSelection;
import dev.netcode.transport.UdpTransport;
import dev.netcode.transport.epoll.EpollTransport;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeServerAutoConfiguration}. */
@ExtendWith(OutputCaptureExtension.class)
class NetcodeServerAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class))
            .withPropertyValues("netcode.private-key=" + NetcodeAutoConfigurationTests.KEY_HEX,
                    "netcode.server.bind-address=127.0.0.1:0");

    @Test
    void serverIsBoundWhileTheContextRunsAndTokensNameItsRealPort() {
        NetcodeServer[] seen = new NetcodeServer[1];
        contextRunner.withPropertyValues("netcode.server.max-clients=8").run(context -> {
            assertThat(context).hasSingleBean(NetcodeServer.class).hasSingleBean(NetcodeServerLifecycle.class);
            NetcodeServer server = context.getBean(NetcodeServer.class);
            seen[0] = server;
            assertThat(server.isRunning()).isTrue();
            assertThat(server.maxClients()).isEqualTo(8);
            NetcodeAddress bound = server.localAddress();
            assertThat(bound.port()).isNotZero();
            assertThat(server.serverAddresses()).containsExactly(bound);
            ConnectToken token = ConnectToken.read(context.getBean(ConnectTokenIssuer.class).issue(1, null).token());
            assertThat(token.serverAddresses()).containsExactly(bound);
            assertThat(server.config().maxConnectTokenLifetime()).isEqualTo(30);
        });
        assertThat(seen[0].isRunning()).isFalse();
    }

    @Test
    void restartRuleLifetimeFollowsTheTokenExpiryUnlessSet() {
        contextRunner.withPropertyValues("netcode.token.expiry=45").run(context -> assertThat(
                context.getBean(NetcodeServer.class).config().maxConnectTokenLifetime()).isEqualTo(45));
        contextRunner.withPropertyValues("netcode.token.expiry=45", "netcode.server.max-connect-token-lifetime=60")
                .run(context -> assertThat(context.getBean(NetcodeServer.class).config().maxConnectTokenLifetime())
                        .isEqualTo(60));
    }

    @Test
    void warmUpIsOnByDefaultAndZeroDisablesIt() {
        contextRunner.run(context -> {
            NetcodeServer server = context.getBean(NetcodeServer.class);
            assertThat(server.config().warmUp()).isEqualTo(Duration.ofMillis(300));
            assertThat(server.warmUp().rounds()).isPositive();
        });
        contextRunner.withPropertyValues("netcode.server.warm-up=0").run(context -> {
            NetcodeServer server = context.getBean(NetcodeServer.class);
            assertThat(server.config().warmUp()).isZero();
            assertThat(server.warmUp()).isEqualTo(ServerWarmUp.Result.NONE);
        });
        contextRunner.withPropertyValues("netcode.server.warm-up=150").run(context -> assertThat(
                context.getBean(NetcodeServer.class).config().warmUp()).isEqualTo(Duration.ofMillis(150)));
    }

    @Test
    void unboundedWarmUpFailsStartUp() {
        contextRunner.withPropertyValues("netcode.server.warm-up=11s").run(context -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'11s'", "netcode.server.warm-up", "bounded");
            assertThat(analysis.getAction()).contains("a duration from 0 (no warm-up) to 10s");
        });
        contextRunner.withPropertyValues("netcode.server.warm-up=-1ms").run(context -> assertThat(
                NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context).getDescription())
                .contains("'-1ms'", "netcode.server.warm-up"));
    }

    @Test
    void receiveCoalescingIsAQuarterMillisecondByDefaultInMicrosecondsWithoutAUnitAndZeroTurnsItOff() {
        contextRunner.run(context -> assertThat(context.getBean(NetcodeServer.class).config().receiveCoalescing())
                .isEqualTo(Duration.ofNanos(250_000)));
        contextRunner.withPropertyValues("netcode.server.receive-coalescing=100").run(context -> assertThat(
                context.getBean(NetcodeServer.class).config().receiveCoalescing()).isEqualTo(Duration.ofNanos(100_000)));
        contextRunner.withPropertyValues("netcode.server.receive-coalescing=0").run(context -> assertThat(
                context.getBean(NetcodeServer.class).config().receiveCoalescing()).isZero());
    }

    @Test
    void receiveCoalescingAboveTenMillisecondsFailsStartUp() {
        contextRunner.withPropertyValues("netcode.server.receive-coalescing=10001us").run(context -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'10001us'", "netcode.server.receive-coalescing", "latency");
            assertThat(analysis.getAction()).contains("a duration from 0 (off) to 10ms");
        });
    }

    @Test
    void publicAddressesAreWhatTheServerChecksTokensAgainst() {
        // Public addresses need a fixed bind port (port 0 is refused with them): take a free one.
        contextRunner.withPropertyValues("netcode.server.bind-address=0.0.0.0:" + freeUdpPort(),
                "netcode.server.public-addresses=203.0.113.7:40000").run(context -> {
                    NetcodeServer server = context.getBean(NetcodeServer.class);
                    assertThat(server.serverAddresses()).containsExactly(NetcodeAddress.parse("203.0.113.7:40000"));
                    assertThat(ConnectToken.read(context.getBean(ConnectTokenIssuer.class).issue(1, null).token())
                            .serverAddresses()).containsExactly(NetcodeAddress.parse("203.0.113.7:40000"));
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnServer() {
        NetcodeServer own = new NetcodeServer(
                ServerConfig.builder(7, NetcodePrivateKey.generate().bytes()).build(),
                NetcodeAddress.parse("127.0.0.1:0"), 2);
        contextRunner.withBean(NetcodeServer.class, () -> own).run(context -> {
            assertThat(context.getBean(NetcodeServer.class)).isSameAs(own);
            assertThat(own.isRunning()).isTrue();
        });
        assertThat(own.isRunning()).isFalse();
    }

    @Test
    void serverDisabledLeavesOnlyTheIssuer() {
        contextRunner.withPropertyValues("netcode.server.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(NetcodeServer.class).doesNotHaveBean(NetcodeServerLifecycle.class)
                    .hasSingleBean(ConnectTokenIssuer.class);
        });
    }

    @Test
    void customizersAdjustTheServerConfig() {
        contextRunner.withBean(NetcodeServerCustomizer.class, () -> builder -> builder.maxConnectTokenLifetime(99))
                .run(context -> assertThat(context.getBean(NetcodeServer.class).config().maxConnectTokenLifetime())
                        .isEqualTo(99));
    }

    @Test
    void wildcardBindWithoutPublicAddressFailsWithAnActionableAnalysis() {
        contextRunner.withPropertyValues("netcode.server.bind-address=0.0.0.0:0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(NetcodePublicAddressRequiredException.class);
            FailureAnalysis analysis = new NetcodePublicAddressRequiredFailureAnalyzer()
                    .analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("0.0.0.0:0").contains("netcode.server.bind-address");
            assertThat(analysis.getAction()).contains("netcode.server.public-addresses");
        });
    }

    @Test
    void malformedAddressFailsWithAnAnalysisNamingTheProperty() {
        contextRunner.withPropertyValues("netcode.server.bind-address=localhost:40000").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new InvalidNetcodeAddressFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'localhost:40000'").contains("netcode.server.bind-address");
            assertThat(analysis.getAction()).contains("a.b.c.d:port").contains("[ipv6]:port");
        });
        contextRunner.withPropertyValues("netcode.server.public-addresses=127.0.0.1:0").run(context -> assertThat(
                context.getStartupFailure()).rootCause().isInstanceOf(InvalidNetcodeAddressException.class)
                .hasMessageContaining("netcode.server.public-addresses[0]"));
    }

    @Test
    void bindPortZeroWithFixedPublicAddressesFailsStartUp() {
        contextRunner.withPropertyValues("netcode.server.bind-address=0.0.0.0:0",
                "netcode.server.public-addresses=203.0.113.7:40000").run(context -> {
                    FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
                    assertThat(analysis.getDescription()).contains("'0.0.0.0:0'", "netcode.server.bind-address",
                            "random free port", "203.0.113.7:40000", "a port nobody listens on");
                    assertThat(analysis.getAction()).startsWith("Set netcode.server.bind-address to an address with "
                            + "the fixed port").contains("netcode.server.public-addresses unset");
                });
    }

    @Test
    void restartRuleLifetimeShorterThanTheExpiryFailsStartUp() {
        contextRunner.withPropertyValues("netcode.token.expiry=45s", "netcode.server.max-connect-token-lifetime=30s")
                .run(context -> {
                    FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
                    assertThat(analysis.getDescription()).contains("'30s'",
                            "netcode.server.max-connect-token-lifetime", "shorter than netcode.token.expiry (45s)",
                            "tokens issued up to 15 seconds before it", "second session");
                    assertThat(analysis.getAction()).startsWith("Set netcode.server.max-connect-token-lifetime to at "
                            + "least the longest token expiry your issuers use (netcode.token.expiry is 45s here)");
                });
        contextRunner.withPropertyValues("netcode.server.max-connect-token-lifetime=0").run(context -> assertThat(
                NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context).getDescription())
                .contains("'0s'", "shorter than netcode.token.expiry (30s)"));
    }

    @Test
    void restartRuleLifetimeOfAFractionOfASecondFailsStartUp() {
        contextRunner.withPropertyValues("netcode.server.max-connect-token-lifetime=30500ms").run(context -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'30500ms'", "netcode.server.max-connect-token-lifetime",
                    "whole seconds");
            assertThat(analysis.getAction()).contains("a whole number of seconds");
        });
    }

    @Test
    void theConfiguredSocketBufferSizeIsAskedForAndTheStartUpLineShowsWhatWasGranted(CapturedOutput output) {
        contextRunner.withPropertyValues("netcode.server.max-clients=8", "netcode.server.socket-buffer-size=64KB")
                .run(context -> {
                    NetcodeServer server = context.getBean(NetcodeServer.class);
                    SocketBufferSizes buffers = server.socketBuffers();
                    assertThat(buffers.requestedBytes()).isEqualTo(64 * 1024);
                    assertThat(buffers.receiveBytes()).isPositive();
                    assertThat(output.getAll()).contains("netcode server listening on UDP " + server.localAddress()
                            + " for 8 clients (public " + server.serverAddresses() + "), transport "
                            + server.transportName() + ", socket buffers receive "
                            + buffers.receiveBytes() + " B / send " + buffers.sendBytes() + " B granted");
                    assertThat(output.getAll()).doesNotContain(server.localAddress() + ": receive socket buffer is");
                });
    }

    @Test
    void aSocketBufferBelowWhatMaxClientsNeedIsWarnedAboutWithTheSysctl(CapturedOutput output) {
        long needed = NetcodeServer.socketBufferBytesNeeded(4096);
        contextRunner.withPropertyValues("netcode.server.max-clients=4096", "netcode.server.socket-buffer-size=8KB")
                .run(context -> {
                    NetcodeServer server = context.getBean(NetcodeServer.class);
                    assertThat(output.getAll()).contains("WARN")
                            .contains("netcode server on " + server.localAddress() + ": receive socket buffer is "
                                    + server.socketBuffers().receiveBytes() + " bytes, below the " + needed + " bytes")
                            .contains("sysctl -w net.core.rmem_max=" + needed);
                });
    }

    @Test
    void theTransportIsChosenAutomaticallyAndTheStartUpLineNamesIt(CapturedOutput output) {
        // Core's native transport wins where it loaded, even over netcode-transport-epoll on this test class path.
        String expected = AutoTransport.expectedName();
        contextRunner.run(context -> {
            NetcodeServer server = context.getBean(NetcodeServer.class);
            assertThat(server.config().transport()).isEqualTo(TransportSelection.AUTO);
            assertThat(server.transportName()).isEqualTo(expected);
            assertThat(output.getAll()).contains("netcode server listening on UDP " + server.localAddress())
                    .contains("), transport " + expected + ", socket buffers receive ");
        });
    }

    /** The one test of the starter pinned to the JDK transport: the others run on what auto picks. */
    @Test
    void transportNioPinsTheJdkTransportAndItServesAClient() {
        contextRunner.withPropertyValues("netcode.server.transport=nio").run(context -> {
            NetcodeServer server = context.getBean(NetcodeServer.class);
            assertThat(server.config().transport()).isEqualTo(TransportSelection.NIO);
            assertThat(server.transportName()).isEqualTo("nio");
            try (NetcodeClient client = UdpTestClients
                    .connect(context.getBean(ConnectTokenIssuer.class).issue(5, null).token())) {
                assertThat(UdpTestClients.await(() -> server.connectedClientCount() == 1)).isTrue();
            }
        });
    }

    @Test
    void theTransportIsReadIgnoringCase() {
        contextRunner.withPropertyValues("netcode.server.transport=Nio").run(context -> assertThat(
                context.getBean(NetcodeServer.class).transportName()).isEqualTo("nio"));
        Assumptions.assumeTrue(NativeUdpTransport.isAvailable(), "native runs here");
        contextRunner.withPropertyValues("netcode.server.transport=NATIVE").run(context -> assertThat(
                context.getBean(NetcodeServer.class).transportName()).isEqualTo("native"));
        // The optional module, on this test class path for this: chosen by name, it runs instead of native.
        Assumptions.assumeTrue(EpollTransport.isAvailable(), "epoll runs here");
        contextRunner.withPropertyValues("netcode.server.transport=EPOLL").run(context -> assertThat(
                context.getBean(NetcodeServer.class).transportName()).isEqualTo("epoll"));
    }

    @Test
    void anUnknownTransportFailsStartUpNamingTheProperty() {
        contextRunner.withPropertyValues("netcode.server.transport=kqueue").run(context -> {
            assertThat(context).hasFailed();
            // Spring's analysis of this bind failure lists the valid values (AUTO, NATIVE, EPOLL, NIO).
            var bind = (org.springframework.boot.context.properties.bind.BindException) findCause(
                    context.getStartupFailure(), org.springframework.boot.context.properties.bind.BindException.class);
            assertThat(bind.getName()).hasToString("netcode.server.transport");
            assertThat(NetcodeAutoConfigurationTests.stackTraceOf(bind)).contains("kqueue", TransportSelection.class.getName());
        });
    }

    @Test
    void nativeOrEpollWhereTheyCannotRunFailStartUpSayingWhatToFixAndAutoFallsBackToNio(CapturedOutput output) {
        // ServiceLoader looks in the context class loader, which the runner sets: without the service files only nio is left.
        ApplicationContextRunner withoutProviders = contextRunner.withClassLoader(new FilteredClassLoader(
                new ClassPathResource("META-INF/services/" + TransportProvider.class.getName())));
        withoutProviders.withPropertyValues("netcode.server.transport=epoll").run(context -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'epoll'", "netcode.server.transport",
                    "add the dependency dev.netcode:netcode-transport-epoll");
            assertThat(analysis.getAction()).contains("Set netcode.server.transport to auto", "or nio", "Linux x86-64");
        });
        withoutProviders.withPropertyValues("netcode.server.transport=native").run(context -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'native'", "netcode.server.transport",
                    "transport native was chosen but it cannot run here", "META-INF/services");
            assertThat(analysis.getAction()).contains("Set netcode.server.transport to auto", "or nio",
                    "run where native can: Linux, with netcode's JNI library", "gcc");
        });
        withoutProviders.run(context -> assertThat(context.getBean(NetcodeServer.class).transportName())
                .as("auto falls back").isEqualTo("nio"));
        // Said once per JVM; where native runs, this is the only fallback of these tests.
        if (NativeUdpTransport.isAvailable()) {
            assertThat(output.getAll()).contains("netcode transport auto chose nio, not native: its provider is missing "
                    + "from the class path's META-INF/services");
        }
    }

    @Test
    void aSocketBufferSizeOutsideItsRangeFailsStartUp() {
        contextRunner.withPropertyValues("netcode.server.socket-buffer-size=1KB").run(context -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'1024B'", "netcode.server.socket-buffer-size",
                    "outside 1300B to 1073741824B");
            assertThat(analysis.getAction()).contains("netcode.server.socket-buffer-size", "1300B to 1GB",
                    "for example 4MB");
        });
        contextRunner.withPropertyValues("netcode.server.socket-buffer-size=2GB").run(context -> assertThat(
                NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context).getDescription())
                .contains("'2147483648B'", "netcode.server.socket-buffer-size"));
    }

    @Test
    void serverPropertiesDoNotApplyToAnIssuerOnlyNode() {
        // An issuer lists the public addresses; its own bind address and restart rule are unused.
        contextRunner.withPropertyValues("netcode.server.enabled=false", "netcode.server.bind-address=0.0.0.0:0",
                "netcode.server.public-addresses=203.0.113.7:40000", "netcode.server.max-connect-token-lifetime=1")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(NetcodeServer.class);
                    assertThat(ConnectToken.read(context.getBean(ConnectTokenIssuer.class).issue(1, null).token())
                            .serverAddresses()).containsExactly(NetcodeAddress.parse("203.0.113.7:40000"));
                });
    }

    @Test
    void portInUseFailsStartUpWithAnAnalysisNamingThePort() {
        try (UdpTransport taken = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"))) {
            String address = taken.localAddress().toString();
            contextRunner.withPropertyValues("netcode.server.bind-address=" + address).run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).hasCauseInstanceOf(NetcodeBindException.class);
                Throwable cause = findCause(context.getStartupFailure(), NetcodeBindException.class);
                assertThat(cause.getCause()).isInstanceOf(BindException.class);
                FailureAnalysis analysis = new NetcodeBindFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis.getDescription()).contains(address).contains("already in use");
                assertThat(analysis.getAction()).contains("netcode.server.bind-address");
            });
        }
    }

    @Test
    void lifecycleStopsFirstAndDisconnectsAsynchronously() throws Exception {
        contextRunner.run(context -> {
            NetcodeServerLifecycle lifecycle = context.getBean(NetcodeServerLifecycle.class);
            assertThat(lifecycle.getPhase()).isEqualTo(Integer.MAX_VALUE);
            java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
            lifecycle.stop(stopped::countDown);
            assertThat(stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(context.getSourceApplicationContext().isActive()).isTrue();
        });
    }

    private static int freeUdpPort() {
        try (UdpTransport probe = UdpTransport.bind(NetcodeAddress.parse("0.0.0.0:0"))) {
            return probe.localAddress().port();
        }
    }

    private static Throwable findCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
    }
}
