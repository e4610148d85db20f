package dev.netcode.demo.game;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.NetcodePrivateKey;
import dev.netcode.boot.autoconfigure.NetcodeProperties;
import dev.netcode.boot.fleet.FleetListing;
import dev.netcode.boot.listener.NetcodeArgumentResolver;
import dev.netcode.boot.listener.NetcodeClientConnectedEvent;
import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.boot.listener.NetcodeListenerAnnotationBeanPostProcessor;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.listener.NetcodeListenerErrorHandler;
import dev.netcode.boot.listener.NetcodeListenerRegistry;
import dev.netcode.boot.message.NetcodeMessageConverters;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.demo.DemoProperties;
import dev.netcode.fleet.FleetAnnouncer;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageServer;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;

/**
 * The {@code fleet} profile's arenas besides the starter's game server: one per
 * {@code demo.fleet.arenas} address, each a {@link NetcodeServer} of its own running the same game
 * (its own {@link Arena}, {@link EventFeed} and {@link ArenaGame} loop) with the starter server's
 * protocol id, key, slots and channels, and announced in the fleet directory like the starter's
 * (same labels and heartbeat, the starter server's id with the arena's number: {@code -2},
 * {@code -3}, ...), so the token endpoint sends players to it when the policy picks it. The starter
 * announces its own server.
 *
 * <p>The arenas are built when the context starts and discarded when it stops (a listener
 * dispatcher cannot be started again). Started last and stopped first, like the starter's server:
 * each is withdrawn from the directory before its players are disconnected.
 */
@Component
@Profile("fleet")
public class FleetArenas implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetArenas.class);

    private final List<NetcodeAddress> bindAddresses;
    private final List<String> serverIds;
    private final FleetListing firstListing;
    private final NetcodeServer firstServer;
    private final NetcodePrivateKey privateKey;
    private final DemoProperties demo;
    private final NetcodeProperties.Listener listenerSettings;
    private final MessageConfig channels;
    private final NetcodeMessageConverters converters;
    private final NetcodeListenerErrorHandler errorHandler;
    private final ObjectProvider<NetcodeArgumentResolver> argumentResolvers;
    private volatile List<ArenaServer> running = List.of();

    /**
     * @param firstListing how the starter lists its server (netcode.fleet.*), which the arenas follow
     */
    public FleetArenas(DemoProperties demo, NetcodeServer firstServer, FleetListing firstListing,
            NetcodePrivateKey privateKey, NetcodeProperties netcode, MessageConfig channels,
            NetcodeMessageConverters converters, NetcodeListenerErrorHandler errorHandler,
            ObjectProvider<NetcodeArgumentResolver> argumentResolvers) {
        this.bindAddresses = bindAddresses(demo.getFleet().getArenas());
        this.serverIds = serverIds(firstListing.serverId(), bindAddresses.size());
        this.firstListing = firstListing;
        this.firstServer = firstServer;
        this.privateKey = privateKey;
        this.demo = demo;
        this.listenerSettings = netcode.getListener();
        this.channels = channels;
        this.converters = converters;
        this.errorHandler = errorHandler;
        this.argumentResolvers = argumentResolvers;
    }

    /**
     * The ids of {@code count} arenas after the starter's server, which is arena 1 and listed as
     * {@code firstId}: {@code firstId-2}, {@code firstId-3}, ...
     */
    static List<String> serverIds(String firstId, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int number = 2; number <= count + 1; number++) {
            String id = firstId + "-" + number;
            if (id.length() > ServerAnnouncement.MAX_ID_LENGTH) {
                throw new IllegalStateException("netcode.fleet.server-id '" + firstId + "' leaves no room for the "
                        + "arenas' numbers: arena " + number + " would be '" + id + "', over "
                        + ServerAnnouncement.MAX_ID_LENGTH + " characters. Shorten it, or remove it to have one generated.");
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    /** {@code demo.fleet.arenas}, each a concrete IP address and port. */
    static List<NetcodeAddress> bindAddresses(List<String> configured) {
        List<NetcodeAddress> addresses = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            String property = "demo.fleet.arenas[" + i + "]";
            NetcodeAddress address;
            try {
                address = NetcodeAddress.parse(configured.get(i));
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalStateException(property + " '" + configured.get(i) + "' is not an IP address and port "
                        + "(for example 127.0.0.1:40001): " + ex.getMessage(), ex);
            }
            if (address.toInetAddress().isAnyLocalAddress()) {
                throw new IllegalStateException(property + " '" + configured.get(i) + "' is a wildcard address, but "
                        + "connect tokens list the address an arena binds: give a concrete one, for example 127.0.0.1:"
                        + Math.max(address.port(), 40001));
            }
            addresses.add(address);
        }
        return List.copyOf(addresses);
    }

    @Override
    public synchronized void start() {
        List<ArenaServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < bindAddresses.size(); i++) {
                ArenaServer arena = new ArenaServer(serverIds.get(i), bindAddresses.get(i));
                started.add(arena);
                arena.start();
            }
        }
        catch (RuntimeException ex) {
            started.forEach(ArenaServer::close);
            throw ex;
        }
        running = List.copyOf(started);
    }

    @Override
    public synchronized void stop() {
        List<ArenaServer> stopping = running;
        running = List.of();
        stopping.forEach(ArenaServer::close);
    }

    @Override
    public boolean isRunning() {
        return !running.isEmpty();
    }

    /** Start last (after the starter's server, whose settings the arenas copy), stop first. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** The arenas running now (not the starter's server), in the order of {@code demo.fleet.arenas}. */
    public List<ArenaServer> arenas() {
        return running;
    }

    /** One arena: its game server, the game on it and its place in the fleet directory. */
    public final class ArenaServer {

        private final String serverId;
        private final NetcodeAddress bindAddress;
        private final Arena arena = new Arena(System.nanoTime());
        private final EventFeed feed = new EventFeed();
        private final NetcodeServer server;
        private final NetcodeMessagingTemplate messaging;
        private final NetcodeListenerDispatcher dispatcher;
        private final ArenaGame game;
        private final FleetAnnouncer announcer;

        ArenaServer(String serverId, NetcodeAddress bindAddress) {
            this.serverId = serverId;
            this.bindAddress = bindAddress;
            NetcodeListenerRegistry listeners = new NetcodeListenerRegistry();
            // The game's clients' events go straight to its game (see deliver), not to the application
            // context, whose listeners (the first arena's game among them) are about the starter's server.
            this.dispatcher = new NetcodeListenerDispatcher(listeners, this::server, this::deliver, errorHandler,
                    listenerSettings.getThreads(), listenerSettings.getQueueCapacity(),
                    listenerSettings.getMaxQueuedBytes().toBytes(), channels, this::messaging);
            this.dispatcher.setShutdownTimeout(listenerSettings.getShutdownTimeout());
            MessageServer messages = new MessageServer(channels, dispatcher);
            this.messaging = new NetcodeMessagingTemplate(messages, converters);
            this.game = new ArenaGame(arena, feed, messaging, demo);
            registerListenerMethods(game, serverId, listeners);
            byte[] key = privateKey.bytes();
            try {
                ServerConfig config = ServerConfig.builder(firstServer.config().protocolId(), key)
                    .maxConnectTokenLifetime(firstServer.config().maxConnectTokenLifetime())
                    .eventHandler(messages)
                    .build();
                this.server = new NetcodeServer(config, bindAddress, firstServer.maxClients());
            }
            finally {
                Arrays.fill(key, (byte) 0);
            }
            messages.attach(server);
            this.announcer = new FleetListing(firstListing.directory(), serverId, firstListing.labels(),
                    firstListing.heartbeatInterval()).announcerFor(server);
        }

        /**
         * Finds the game's {@code @NetcodeListener} methods and registers them in this arena's own
         * registry, with the starter's argument resolvers and message converters, as the starter does
         * for beans: the game is not one (its listeners must not join the starter server's registry).
         */
        private void registerListenerMethods(ArenaGame arenaGame, String name, NetcodeListenerRegistry registry) {
            StaticListableBeanFactory arenaOnly = new StaticListableBeanFactory(
                    Map.of("netcodeListenerRegistry", registry, "netcodeMessageConfig", channels,
                            "netcodeMessageConverters", converters));
            NetcodeListenerAnnotationBeanPostProcessor finder = new NetcodeListenerAnnotationBeanPostProcessor(
                    arenaOnly.getBeanProvider(NetcodeListenerRegistry.class), argumentResolvers,
                    arenaOnly.getBeanProvider(MessageConfig.class), arenaOnly.getBeanProvider(NetcodeMessageConverters.class));
            finder.postProcessAfterInitialization(arenaGame, name);
            finder.afterSingletonsInstantiated();
        }

        private void deliver(Object event) {
            if (event instanceof NetcodeClientConnectedEvent joined) {
                game.onJoin(joined);
            }
            else if (event instanceof NetcodeClientDisconnectedEvent left) {
                game.onLeave(left);
            }
        }

        private NetcodeMessagingTemplate messaging() {
            return messaging;
        }

        void start() {
            game.start();
            try {
                server.start();
            }
            catch (UncheckedIOException ex) {
                throw new IllegalStateException("Arena '" + serverId + "' could not bind UDP " + bindAddress
                        + " (demo.fleet.arenas): " + ex.getCause().getMessage(), ex);
            }
            log.info("Arena '{}' listening on UDP {} for {} clients", serverId, server.localAddress(),
                    server.maxClients());
            announcer.start();
        }

        /** Withdraws the arena, disconnects its players, lets the game see them leave, stops the game. */
        void close() {
            announcer.close();
            if (server.isRunning()) {
                server.stop();
            }
            dispatcher.destroy();
            game.stop();
        }

        /** Its id in the fleet directory. */
        public String serverId() {
            return serverId;
        }

        public NetcodeServer server() {
            return server;
        }

        public Arena arena() {
            return arena;
        }

        public EventFeed feed() {
            return feed;
        }
    }
}
