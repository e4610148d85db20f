package dev.netcode.boot.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.fleet.FleetListing;
import dev.netcode.boot.server.NetcodeServerCustomizer;
import dev.netcode.boot.server.NetcodeServerLifecycle;
import dev.netcode.message.MessageServer;
import dev.netcode.message.ServerMessageHandler;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;

/**
 * A {@link NetcodeServer} bound when the context starts and stopped (clients disconnected) when it
 * closes. Its event handler is the {@link MessageServer} when {@code netcode.channels} are
 * configured, else the application's {@link ServerEventHandler} (normally the listener dispatcher).
 * Backs off when the application defines its own server; {@code netcode.server.enabled=false}
 * switches it off, leaving the token issuer. In a fleet (see {@code netcode.fleet.directory}) the
 * lifecycle lists the server in the directory while it runs.
 */
@AutoConfiguration(after = NetcodeAutoConfiguration.class)
@ConditionalOnClass(NetcodeServer.class)
@ConditionalOnBooleanProperty(name = "netcode.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(NetcodeProperties.class)
public final class NetcodeServerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    NetcodeServer netcodeServer(NetcodeProperties properties, NetcodePrivateKey privateKey,
            ObjectProvider<ServerEventHandler> eventHandler, ObjectProvider<MessageServer> messageServer,
            ObjectProvider<NetcodeServerCustomizer> customizers) {
        NetcodeAddress bindAddress = NetcodeSettings.bindAddress(properties);
        int socketBufferBytes = NetcodeSettings.socketBufferBytes(properties);
        List<NetcodeAddress> publicAddresses = NetcodeSettings.serverPublicAddresses(properties);
        ServerConfig.Builder config = ServerConfig.builder(NetcodeSettings.protocolId(properties), privateKey.bytes())
                .serverAddresses(publicAddresses)
                .maxConnectTokenLifetime(NetcodeSettings.restartRuleLifetimeSeconds(properties))
                .warmUp(NetcodeSettings.warmUp(properties))
                .transport(NetcodeSettings.transport(properties))
                .receiveCoalescing(NetcodeSettings.receiveCoalescing(properties));
        // With channels, the message layer takes every payload and hands the listener dispatcher messages.
        MessageServer messages = messageServer.getIfAvailable();
        if (messages != null) {
            config.eventHandler(messages);
        }
        else if (!properties.getChannels().isEmpty()) {
            // The message server exists only for a ServerMessageHandler; without one the server would
            // speak raw payloads, which clients configured with the channels cannot read.
            ServerEventHandler handler = eventHandler.getIfAvailable();
            throw new IllegalStateException("netcode.channels are configured, but "
                    + ((handler != null) ? "the application's ServerEventHandler (" + handler.getClass().getName()
                            + ") is not a " : "there is no ")
                    + ServerMessageHandler.class.getName() + " to receive their messages, so the netcode server "
                    + "would carry raw payloads that clients using the channels cannot read. Implement "
                    + ServerMessageHandler.class.getSimpleName() + " (its onMessage gets every channel's messages) "
                    + "or remove netcode.channels.");
        }
        else {
            eventHandler.ifAvailable(config::eventHandler);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(config));
        NetcodeServer server = new NetcodeServer(config.build(), bindAddress, properties.getServer().getMaxClients(),
                socketBufferBytes);
        if (messages != null) {
            messages.attach(server);
        }
        return server;
    }

    @Bean
    @ConditionalOnMissingBean(name = "netcodeServerLifecycle")
    NetcodeServerLifecycle netcodeServerLifecycle(NetcodeServer netcodeServer, NetcodeProperties properties,
            ObjectProvider<FleetListing> fleetListing) {
        return new NetcodeServerLifecycle(netcodeServer, properties.getServer().getBindAddress(),
                fleetListing.getIfUnique());
    }
}
