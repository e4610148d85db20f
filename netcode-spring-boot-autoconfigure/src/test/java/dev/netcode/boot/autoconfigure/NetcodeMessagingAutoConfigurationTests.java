package dev.netcode.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.listener.InvalidNetcodeListenerException;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.listener.NetcodeListenerRegistry;
import dev.netcode.boot.listener.NetcodeSession;
import dev.netcode.boot.message.NetcodeMessageConverter;
import dev.netcode.boot.message.NetcodeMessageConverters;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.boot.message.converter.ByteArrayNetcodeMessageConverter;
import dev.netcode.boot.message.converter.ByteBufferNetcodeMessageConverter;
import dev.netcode.boot.message.converter.JacksonJsonNetcodeMessageConverter;
import dev.netcode.boot.message.converter.StringNetcodeMessageConverter;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageServer;
import dev.netcode.message.ServerMessageHandler;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerEventHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NetcodeMessagingAutoConfiguration} and {@link NetcodeMessageConverterAutoConfiguration}.
 */
class NetcodeMessagingAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeListenerAutoConfiguration.class, NetcodeMessageConverterAutoConfiguration.class,
                NetcodeMessagingAutoConfiguration.class, JacksonAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0");

    private final ApplicationContextRunner withChannels = this.contextRunner.withPropertyValues(
            "netcode.channels.snapshots.delivery=unreliable-sequenced", "netcode.channels.chat.delivery=reliable-ordered",
            "netcode.channels.events.delivery=reliable_unordered");

    @Test
    void withoutChannelsNothingChanges() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed()
                .doesNotHaveBean(MessageConfig.class)
                .doesNotHaveBean(MessageServer.class)
                .doesNotHaveBean(NetcodeMessageConverters.class)
                .doesNotHaveBean(NetcodeMessageConverter.class)
                .doesNotHaveBean(NetcodeMessagingTemplate.class);
            assertThat(context.getBean(NetcodeServer.class).config().eventHandler())
                .isSameAs(context.getBean(NetcodeListenerDispatcher.class));
        });
    }

    @Test
    void channelsMakeTheMessageServerTheServersEventHandlerAndTheDispatcherItsHandler() {
        this.withChannels.run((context) -> {
            assertThat(context).hasNotFailed()
                .hasSingleBean(MessageConfig.class)
                .hasSingleBean(MessageServer.class)
                .hasSingleBean(NetcodeMessagingTemplate.class);
            MessageServer messageServer = context.getBean(MessageServer.class);
            assertThat(context.getBean(NetcodeServer.class).config().eventHandler()).isSameAs(messageServer);
            assertThat(context.getBean(NetcodeServer.class).isRunning()).isTrue();
            assertThat(context.getBean(NetcodeMessagingTemplate.class).messageServer()).isSameAs(messageServer);
        });
    }

    @Test
    void channelIdsFollowTheNamesInAlphabeticalOrderWithTheDeliveryAndDefaultLimits() {
        this.withChannels.run((context) -> {
            MessageConfig config = context.getBean(MessageConfig.class);
            assertThat(config.channels()).extracting(ChannelConfig::name).containsExactly("chat", "events", "snapshots");
            assertThat(config.channels()).extracting(ChannelConfig::delivery)
                .containsExactly(DeliveryMode.RELIABLE_ORDERED, DeliveryMode.RELIABLE_UNORDERED,
                        DeliveryMode.UNRELIABLE_SEQUENCED);
            assertThat(config.channel(0).maxMessageBytes()).isEqualTo(256 * 1024);
            assertThat(config.channel(0).sendQueueBytes()).isEqualTo(512 * 1024);
            assertThat(config.channel(2).maxMessageBytes())
                .isEqualTo(ChannelConfig.DEFAULT_MAX_UNRELIABLE_MESSAGE_BYTES);
            assertThat(config.channel(2).sendQueueBytes()).isEqualTo(ChannelConfig.DEFAULT_UNRELIABLE_SEND_QUEUE_BYTES);
            assertThat(config.channels()).extracting(ChannelConfig::windowMessages)
                .containsOnly(ChannelConfig.DEFAULT_WINDOW_MESSAGES);
            // The starter's defaults are the core's.
            MessageConfig core = MessageConfig.of(config.channels());
            assertThat(config.packetBudgetBytes()).isEqualTo(core.packetBudgetBytes());
            assertThat(config.packetsPerFlush()).isEqualTo(core.packetsPerFlush());
            assertThat(config.flushIntervalSeconds()).isEqualTo(core.flushIntervalSeconds());
            assertThat(config.maxReliableMessageBytes()).isEqualTo(core.maxReliableMessageBytes());
            assertThat(config.reliable()).isEqualTo(core.reliable());
        });
    }

    @Test
    void limitsAreConfiguredPerChannelAndPerConnection() {
        this.withChannels
            .withPropertyValues("netcode.channels.chat.max-message-size=4KB", "netcode.channels.chat.send-queue-size=64KB",
                    "netcode.channels.chat.window-messages=32", "netcode.messages.packet-budget=512B",
                    "netcode.messages.packets-per-flush=2", "netcode.messages.flush-interval=20ms",
                    "netcode.messages.max-reliable-message-size=64KB")
            .run((context) -> {
                MessageConfig config = context.getBean(MessageConfig.class);
                assertThat(config.channel(0)).isEqualTo(new ChannelConfig("chat", DeliveryMode.RELIABLE_ORDERED, 4096,
                        65536, 32));
                assertThat(config.channel(1).maxMessageBytes()).as("a reliable channel's default follows the maximum")
                    .isEqualTo(65536);
                assertThat(config.packetBudgetBytes()).isEqualTo(512);
                assertThat(config.packetsPerFlush()).isEqualTo(2);
                assertThat(config.flushIntervalSeconds()).isEqualTo(0.02);
                assertThat(config.maxReliableMessageBytes()).isEqualTo(65536);
            });
    }

    @Test
    void channelsWithAnApplicationEventHandlerThatTakesNoMessagesFailStartUp() {
        // The dispatcher backs off for the application's handler, so no message server would exist and
        // the server would speak raw payloads that clients configured with the channels cannot read.
        this.withChannels.withBean("gameEvents", ServerEventHandler.class, () -> new ServerEventHandler() {
        }).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("netcode.channels")
                .hasMessageContaining(ServerMessageHandler.class.getName());
        });
    }

    @Test
    void channelsWithAnApplicationMessageHandlerUseIt() {
        ServerMessageHandler handler = (slot, clientId, channel, buf, offset, length) -> {
        };
        this.withChannels.withBean(ServerMessageHandler.class, () -> handler).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(MessageServer.class).doesNotHaveBean(NetcodeListenerDispatcher.class);
            assertThat(context.getBean(NetcodeServer.class).config().eventHandler())
                .isSameAs(context.getBean(MessageServer.class));
        });
    }

    @Test
    void serverDisabledMeansNoMessageLayer() {
        this.withChannels.withPropertyValues("netcode.server.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(MessageConfig.class)
                .doesNotHaveBean(MessageServer.class)
                .doesNotHaveBean(NetcodeMessageConverter.class)
                .doesNotHaveBean(NetcodeMessagingTemplate.class));
    }

    @Test
    void builtInConvertersComeInOrderWithJsonLast() {
        this.withChannels.run((context) -> assertThat(context.getBean(NetcodeMessageConverters.class).converters())
            .extracting((converter) -> (Object) converter.getClass())
            .containsExactly(ByteArrayNetcodeMessageConverter.class, ByteBufferNetcodeMessageConverter.class,
                    StringNetcodeMessageConverter.class, JacksonJsonNetcodeMessageConverter.class));
    }

    @Test
    void jsonUsesTheApplicationsMapper() {
        this.withChannels.run((context) -> assertThat(context.getBean(JacksonJsonNetcodeMessageConverter.class))
            .extracting("mapper")
            .isSameAs(context.getBean(JsonMapper.class)));
    }

    @Test
    void withoutAJsonMapperBeanThereIsNoJsonConverter() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                    NetcodeListenerAutoConfiguration.class, NetcodeMessageConverterAutoConfiguration.class,
                    NetcodeMessagingAutoConfiguration.class))
            .withPropertyValues("netcode.server.bind-address=127.0.0.1:0", "netcode.channels.chat.delivery=reliable-ordered")
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(JacksonJsonNetcodeMessageConverter.class)
                .hasSingleBean(StringNetcodeMessageConverter.class));
    }

    @Test
    void withoutJacksonOnTheClassPathThereIsNoJsonConverter() {
        this.withChannels.withClassLoader(new FilteredClassLoader(JsonMapper.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(JacksonJsonNetcodeMessageConverter.class)
                .hasSingleBean(ByteArrayNetcodeMessageConverter.class));
    }

    @Test
    void applicationConvertersAreAskedBeforeJsonAndByTheirOrder() {
        this.withChannels.withUserConfiguration(PointConverters.class).run((context) -> {
            NetcodeMessageConverters converters = context.getBean(NetcodeMessageConverters.class);
            assertThat(converters.converters()).extracting((converter) -> (Object) converter.getClass())
                .containsExactly(FirstPointConverter.class, ByteArrayNetcodeMessageConverter.class,
                        ByteBufferNetcodeMessageConverter.class, StringNetcodeMessageConverter.class,
                        UnorderedPointConverter.class, JacksonJsonNetcodeMessageConverter.class);
            assertThat(converters.readerFor(ResolvableType.forClass(Point.class))).isInstanceOf(FirstPointConverter.class);
            assertThat(converters.writerFor(Point.class)).isInstanceOf(FirstPointConverter.class);
        });
    }

    @Test
    void anUnorderedApplicationConverterStillComesBeforeJson() {
        this.withChannels.withBean(UnorderedPointConverter.class).run((context) -> {
            NetcodeMessageConverters converters = context.getBean(NetcodeMessageConverters.class);
            assertThat(converters.readerFor(ResolvableType.forClass(Point.class)))
                .isInstanceOf(UnorderedPointConverter.class);
        });
    }

    @Test
    void aConverterOfTheApplicationReplacesTheBuiltInOneOfItsClass() {
        StringNetcodeMessageConverter own = new StringNetcodeMessageConverter();
        this.withChannels.withBean(StringNetcodeMessageConverter.class, () -> own)
            .run((context) -> assertThat(context.getBean(StringNetcodeMessageConverter.class)).isSameAs(own));
    }

    @Test
    void unknownDeliveryFailsStartUpNamingTheValues() {
        this.contextRunner.withPropertyValues("netcode.channels.chat.delivery=reliable").run((context) -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription())
                .isEqualTo("The value 'reliable' of netcode.channels.chat.delivery cannot be used: it is not a "
                        + "delivery mode.");
            assertThat(analysis.getAction()).isEqualTo("Set netcode.channels.chat.delivery to unreliable, "
                    + "unreliable-sequenced, reliable-ordered or reliable-unordered.");
        });
    }

    @Test
    void missingDeliveryFailsStartUp() {
        this.contextRunner.withPropertyValues("netcode.channels.chat.max-message-size=1KB").run((context) -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("netcode.channels.chat.delivery")
                .contains("every channel needs a delivery mode");
        });
    }

    @Test
    void channelNameThatEnvironmentVariablesCannotSpellFailsStartUp() {
        this.contextRunner.withPropertyValues("netcode.channels.[Chat_Room].delivery=reliable-ordered")
            .run((context) -> {
                FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
                assertThat(analysis.getDescription()).contains("netcode.channels.Chat_Room");
                assertThat(analysis.getAction()).contains("lower-case letters, digits and '-'");
            });
    }

    @Test
    void unreliableMessageLargerThanOnePacketFailsStartUp() {
        this.withChannels.withPropertyValues("netcode.channels.snapshots.max-message-size=32KB").run((context) -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("netcode.channels.snapshots.max-message-size");
            assertThat(analysis.getAction()).contains("up to 16377B").contains("reliable channel");
        });
    }

    @Test
    void reliableMessageOverTheConnectionMaximumFailsStartUp() {
        this.withChannels.withPropertyValues("netcode.channels.chat.max-message-size=1MB").run((context) -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("netcode.channels.chat.max-message-size");
            assertThat(analysis.getAction()).contains("netcode.messages.max-reliable-message-size (262144B)");
        });
    }

    @Test
    void sendQueueSmallerThanOneMessageFailsStartUp() {
        this.withChannels.withPropertyValues("netcode.channels.chat.max-message-size=4KB",
                "netcode.channels.chat.send-queue-size=1KB")
            .run((context) -> assertThat(NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context).getAction())
                .isEqualTo("Set netcode.channels.chat.send-queue-size to at least "
                        + "netcode.channels.chat.max-message-size (4096B)."));
    }

    @Test
    void windowOutOfRangeFailsStartUp() {
        this.withChannels.withPropertyValues("netcode.channels.chat.window-messages=0")
            .run((context) -> assertThat(NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context).getAction())
                .isEqualTo("Set netcode.channels.chat.window-messages to 1 to 16384 (for example 256)."));
    }

    @Test
    void packetBudgetOutOfRangeFailsStartUp() {
        this.withChannels.withPropertyValues("netcode.messages.packet-budget=32B")
            .run((context) -> assertThat(NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context).getAction())
                .startsWith("Set netcode.messages.packet-budget to a size from 64B to 16384B"));
    }

    @Test
    void listenerMemoryThatCannotHoldTheLargestMessageFailsStartUp() {
        this.withChannels.withPropertyValues("netcode.listener.max-queued-bytes=64KB").run((context) -> {
            FailureAnalysis analysis = NetcodeAutoConfigurationTests.invalidPropertyAnalysis(context);
            assertThat(analysis.getDescription()).contains("netcode.listener.max-queued-bytes")
                .contains("262272 bytes");
        });
    }

    @Test
    void channelListenersAreRegisteredByChannel() {
        this.withChannels.withBean(ChatListener.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(NetcodeListenerRegistry.class).getListeners())
                .extracting((listener) -> listener.channel())
                .containsExactlyInAnyOrder("chat", "snapshots", "chat");
        });
    }

    @Test
    void unknownChannelFailsStartUpNamingTheMethodAndTheChannels() {
        this.withChannels.withBean(UnknownChannelListener.class).run((context) -> {
            FailureAnalysis analysis = listenerAnalysis(context, InvalidNetcodeListenerException.Problem.UNKNOWN_CHANNEL);
            assertThat(analysis.getDescription()).contains("onLobby(java.lang.String)")
                .contains("channel 'lobby'")
                .contains("[chat, events, snapshots]");
            assertThat(analysis.getAction()).contains("netcode.channels.lobby.delivery=reliable-ordered");
        });
    }

    @Test
    void channelWithoutChannelsConfiguredFailsStartUp() {
        this.contextRunner.withBean(ChatListener.class).run((context) -> {
            FailureAnalysis analysis = listenerAnalysis(context, InvalidNetcodeListenerException.Problem.UNKNOWN_CHANNEL);
            assertThat(analysis.getDescription()).contains("but no netcode.channels are configured");
        });
    }

    @Test
    void listenerWithoutChannelFailsStartUpWhenChannelsAreConfigured() {
        this.withChannels.withBean(PayloadListener.class).run((context) -> {
            FailureAnalysis analysis = listenerAnalysis(context, InvalidNetcodeListenerException.Problem.CHANNEL_REQUIRED);
            assertThat(analysis.getDescription()).contains("onPayload(byte[])").contains("names no channel");
            assertThat(analysis.getAction()).contains("@NetcodeListener(channel = \"chat\")");
        });
    }

    @Test
    void messageTypeNoConverterReadsFailsStartUp() {
        this.withChannels.withClassLoader(new FilteredClassLoader(JsonMapper.class))
            .withBean(PointListener.class)
            .run((context) -> {
                FailureAnalysis analysis = listenerAnalysis(context,
                        InvalidNetcodeListenerException.Problem.MESSAGE_PARAMETER);
                assertThat(analysis.getDescription()).contains("onPoint(")
                    .contains("channel 'chat'")
                    .contains(Point.class.getName() + " (parameter 1)");
                assertThat(analysis.getAction()).contains("declare a NetcodeMessageConverter bean");
            });
    }

    @Test
    void replyTypeNoConverterWritesFailsStartUp() {
        this.withChannels.withClassLoader(new FilteredClassLoader(JsonMapper.class))
            .withBean(PointReplyListener.class)
            .run((context) -> {
                FailureAnalysis analysis = listenerAnalysis(context,
                        InvalidNetcodeListenerException.Problem.MESSAGE_RETURN_TYPE);
                assertThat(analysis.getDescription()).contains("returns " + Point.class.getName());
            });
    }

    @Test
    void twoMessageParametersFailStartUp() {
        this.withChannels.withBean(TwoMessagesListener.class).run((context) -> {
            FailureAnalysis analysis = listenerAnalysis(context,
                    InvalidNetcodeListenerException.Problem.SECOND_MESSAGE_PARAMETER);
            assertThat(analysis.getDescription()).startsWith("Parameter 1 of the @NetcodeListener method");
        });
    }

    @Test
    void jsonMakesAnyMessageTypeConvertible() {
        this.withChannels.withBean(PointListener.class).withBean(PointReplyListener.class)
            .run((context) -> assertThat(context).hasNotFailed());
    }

    private static FailureAnalysis listenerAnalysis(AssertableApplicationContext context,
            InvalidNetcodeListenerException.Problem problem) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidNetcodeListenerException.class);
        InvalidNetcodeListenerException cause = (InvalidNetcodeListenerException) rootCause(context.getStartupFailure());
        assertThat(cause.getProblem()).isEqualTo(problem);
        FailureAnalysis analysis = new InvalidNetcodeListenerFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).isNotNull();
        return analysis;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    record Point(int x, int y) {
    }

    static class ChatListener {

        @NetcodeListener(channel = "chat")
        String onChat(NetcodeSession session, String line) {
            return line;
        }

        @NetcodeListener("chat")
        void onChatBytes(long clientId, ByteBuffer line) {
        }

        @NetcodeListener(channel = "snapshots")
        void onSnapshot(byte[] snapshot) {
        }
    }

    static class UnknownChannelListener {

        @NetcodeListener(channel = "lobby")
        void onLobby(String line) {
        }
    }

    static class PayloadListener {

        @NetcodeListener
        void onPayload(byte[] payload) {
        }
    }

    static class PointListener {

        @NetcodeListener(channel = "chat")
        void onPoint(NetcodeSession session, Point point) {
        }
    }

    static class PointReplyListener {

        @NetcodeListener(channel = "chat")
        Point onLine(String line) {
            return new Point(1, 2);
        }
    }

    static class TwoMessagesListener {

        @NetcodeListener(channel = "chat")
        void onTwo(String line, List<String> words) {
        }
    }

    /** Reads and writes {@link Point}s as two bytes. */
    abstract static class PointConverter implements NetcodeMessageConverter {

        @Override
        public boolean canRead(ResolvableType type) {
            return type.resolve() == Point.class;
        }

        @Override
        public boolean canWrite(Class<?> type) {
            return type == Point.class;
        }

        @Override
        public Object read(ResolvableType type, ByteBuffer message) {
            return new Point(message.get(0), message.get(1));
        }

        @Override
        public byte[] write(Object value) {
            Point point = (Point) value;
            return new byte[] { (byte) point.x(), (byte) point.y() };
        }
    }

    static class FirstPointConverter extends PointConverter {

    }

    static class UnorderedPointConverter extends PointConverter {

    }

    @Configuration(proxyBeanMethods = false)
    static class PointConverters {

        @Bean
        UnorderedPointConverter unorderedPointConverter() {
            return new UnorderedPointConverter();
        }

        @Bean
        @Order(0)
        FirstPointConverter firstPointConverter() {
            return new FirstPointConverter();
        }
    }
}
