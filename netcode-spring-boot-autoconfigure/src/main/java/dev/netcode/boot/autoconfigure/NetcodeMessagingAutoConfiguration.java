package dev.netcode.boot.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.netcode.boot.message.NetcodeMessageConverter;
import dev.netcode.boot.message.NetcodeMessageConverters;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageServer;
import dev.netcode.message.ServerMessageHandler;
import dev.netcode.server.NetcodeServer;

/**
 * Channels, when {@code netcode.channels} are configured: the {@link MessageConfig} built from
 * {@code netcode.channels} and {@code netcode.messages} (channel ids in alphabetical order of the
 * names), the {@link MessageServer} that becomes the server's event handler and hands messages to
 * the {@link ServerMessageHandler} (the listener dispatcher), the ordered
 * {@link NetcodeMessageConverters} and the {@link NetcodeMessagingTemplate}. Runs after the listener
 * auto-configuration, whose dispatcher must not see the message server as an application's own
 * event handler, and before the server's, which takes the message server.
 */
@AutoConfiguration(after = { NetcodeListenerAutoConfiguration.class, NetcodeMessageConverterAutoConfiguration.class },
        before = NetcodeServerAutoConfiguration.class)
@ConditionalOnClass({ NetcodeServer.class, MessageServer.class })
@ConditionalOnBooleanProperty(name = "netcode.server.enabled", matchIfMissing = true)
@ConditionalOnNetcodeChannels
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeMessagingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MessageConfig netcodeMessageConfig(NetcodeProperties properties) {
        return NetcodeSettings.messageConfig(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ServerMessageHandler.class)
    MessageServer netcodeMessageServer(MessageConfig config, ServerMessageHandler handler) {
        return new MessageServer(config, handler);
    }

    @Bean
    @ConditionalOnMissingBean
    NetcodeMessageConverters netcodeMessageConverters(ObjectProvider<NetcodeMessageConverter> converters) {
        return new NetcodeMessageConverters(converters.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MessageServer.class)
    NetcodeMessagingTemplate netcodeMessagingTemplate(MessageServer messageServer,
            NetcodeMessageConverters converters) {
        return new NetcodeMessagingTemplate(messageServer, converters);
    }
}
