package dev.netcode.boot.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

import dev.netcode.boot.listener.NetcodeArgumentResolver;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeListenerAnnotationBeanPostProcessor;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.listener.NetcodeListenerErrorHandler;
import dev.netcode.boot.listener.NetcodeListenerRegistry;
import dev.netcode.boot.listener.support.LoggingNetcodeListenerErrorHandler;
import dev.netcode.boot.message.NetcodeMessageConverters;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.message.MessageConfig;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerEventHandler;

/**
 * {@link NetcodeListener @NetcodeListener} methods and the client lifecycle events: a
 * {@link NetcodeListenerDispatcher} becomes the server's {@link ServerEventHandler} (unless the
 * application defines its own handler), running listeners on {@code netcode.listener.threads}
 * threads with {@code netcode.listener.queue-capacity} payloads queued per client and
 * {@code netcode.listener.max-queued-bytes} of payload memory across all clients. With
 * {@code netcode.channels} it handles the message server's events instead, and listener methods name
 * their channel.
 */
@AutoConfiguration(before = NetcodeServerAutoConfiguration.class)
@ConditionalOnClass(NetcodeServer.class)
@ConditionalOnBooleanProperty(name = "netcode.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeListenerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static NetcodeListenerAnnotationBeanPostProcessor netcodeListenerAnnotationBeanPostProcessor(
            ObjectProvider<NetcodeListenerRegistry> registry, ObjectProvider<NetcodeArgumentResolver> argumentResolvers,
            ObjectProvider<MessageConfig> messageConfig, ObjectProvider<NetcodeMessageConverters> messageConverters) {
        return new NetcodeListenerAnnotationBeanPostProcessor(registry, argumentResolvers, messageConfig,
                messageConverters);
    }

    @Bean
    @ConditionalOnMissingBean
    NetcodeListenerRegistry netcodeListenerRegistry() {
        return new NetcodeListenerRegistry();
    }

    @Bean
    @ConditionalOnMissingBean
    NetcodeListenerErrorHandler netcodeListenerErrorHandler() {
        return new LoggingNetcodeListenerErrorHandler();
    }

    @Bean
    @ConditionalOnMissingBean(ServerEventHandler.class)
    NetcodeListenerDispatcher netcodeListenerDispatcher(NetcodeListenerRegistry registry,
            ObjectProvider<NetcodeServer> server, ApplicationEventPublisher publisher,
            NetcodeListenerErrorHandler errorHandler, NetcodeProperties properties,
            ObjectProvider<MessageConfig> messageConfig, ObjectProvider<NetcodeMessagingTemplate> messaging) {
        NetcodeProperties.Listener listener = properties.getListener();
        MessageConfig channels = messageConfig.getIfAvailable();
        NetcodeListenerDispatcher dispatcher = new NetcodeListenerDispatcher(registry, server::getObject, publisher,
                errorHandler, listener.getThreads(), listener.getQueueCapacity(),
                NetcodeSettings.listenerMaxQueuedBytes(properties, channels), channels, messaging::getIfAvailable);
        dispatcher.setShutdownTimeout(listener.getShutdownTimeout());
        return dispatcher;
    }
}
