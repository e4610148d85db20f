package dev.netcode.boot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import dev.netcode.boot.listener.NetcodeListenerAnnotationBeanPostProcessor;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.listener.NetcodeListenerErrorHandler;
import dev.netcode.boot.listener.NetcodeListenerRegistry;
import dev.netcode.boot.listener.support.LoggingNetcodeListenerErrorHandler;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerEventHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NetcodeListenerAutoConfiguration}.
 */
class NetcodeListenerAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeListenerAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0");

    @Test
    void dispatcherIsTheServersEventHandler() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(NetcodeListenerRegistry.class)
                .hasSingleBean(NetcodeListenerAnnotationBeanPostProcessor.class)
                .hasSingleBean(NetcodeListenerDispatcher.class)
                .hasSingleBean(ServerEventHandler.class);
            assertThat(context.getBean(NetcodeListenerErrorHandler.class))
                .isInstanceOf(LoggingNetcodeListenerErrorHandler.class);
            assertThat(context.getBean(NetcodeServer.class).config().eventHandler())
                .isSameAs(context.getBean(NetcodeListenerDispatcher.class));
            assertThat(context.getBean(NetcodeServer.class).isRunning()).isTrue();
        });
    }

    @Test
    void listenerPropertiesConfigureTheDispatcher() {
        this.contextRunner
            .withPropertyValues("netcode.listener.threads=2", "netcode.listener.queue-capacity=32",
                    "netcode.listener.shutdown-timeout=750ms", "netcode.listener.max-queued-bytes=1MB")
            .run((context) -> {
                NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
                assertThat(dispatcher).hasToString(
                        "NetcodeListenerDispatcher[threads=2, queueCapacity=32, maxQueuedBytes=1048576, listeners=0]");
                assertThat(ReflectionTestUtils.getField(dispatcher, "threadCount")).isEqualTo(2);
                assertThat(ReflectionTestUtils.getField(dispatcher, "queueCapacity")).isEqualTo(32);
                assertThat(ReflectionTestUtils.getField(dispatcher, "shutdownTimeout"))
                    .isEqualTo(Duration.ofMillis(750));
            });
    }

    @Test
    void negativeShutdownTimeoutFailsStartUp() {
        this.contextRunner.withPropertyValues("netcode.listener.shutdown-timeout=-1s")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("netcode.listener.shutdown-timeout must not be negative"));
    }

    @Test
    void maxQueuedBytesDefaultsToSixteenMegabytes() {
        this.contextRunner.run((context) -> assertThat(context.getBean(NetcodeListenerDispatcher.class).toString())
            .contains("maxQueuedBytes=16777216"));
    }

    @Test
    void maxQueuedBytesTooSmallForOneFullSizePayloadFailsStartUp() {
        this.contextRunner.withPropertyValues("netcode.listener.max-queued-bytes=1KB").run((context) -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("'1024B'", "netcode.listener.max-queued-bytes",
                    "one full-size payload (1328 bytes");
            assertThat(analysis.getAction())
                .isEqualTo("Set netcode.listener.max-queued-bytes to a size of at least 1328B, for example 16MB.");
        });
    }

    @Test
    void invalidThreadCountFailsStartUp() {
        this.contextRunner.withPropertyValues("netcode.listener.threads=0")
            .run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("threads must be at least 1"));
    }

    @Test
    void userEventHandlerWins() {
        this.contextRunner.withBean("customHandler", ServerEventHandler.class, () -> new ServerEventHandler() {
        }).run((context) -> {
            assertThat(context).doesNotHaveBean(NetcodeListenerDispatcher.class)
                .hasSingleBean(ServerEventHandler.class)
                .hasSingleBean(NetcodeListenerRegistry.class);
            assertThat(context.getBean(NetcodeServer.class).config().eventHandler())
                .isSameAs(context.getBean("customHandler"));
        });
    }

    @Test
    void userErrorHandlerWins() {
        NetcodeListenerErrorHandler custom = (session, listener, ex) -> {
        };
        this.contextRunner.withBean(NetcodeListenerErrorHandler.class, () -> custom)
            .run((context) -> assertThat(context).getBean(NetcodeListenerErrorHandler.class).isSameAs(custom));
    }

    @Test
    void backsOffWhenTheServerIsDisabled() {
        this.contextRunner.withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeListenerDispatcher.class)
                .doesNotHaveBean(NetcodeListenerAnnotationBeanPostProcessor.class)
                .doesNotHaveBean(NetcodeListenerRegistry.class));
    }

    @Test
    void backsOffWithoutNetcodeCore() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(NetcodeServer.class))
            .run((context) -> assertThat(context).doesNotHaveBean(NetcodeListenerDispatcher.class)
                .doesNotHaveBean(NetcodeListenerRegistry.class));
    }
}
