package dev.netcode.benchmarks;

import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStatistics;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportProvider;

/**
 * The CLI's echo server (every payload sent straight back to its client, 256 slots, default warm-up) on a transport
 * picked by name among the {@link TransportProvider}s on the class path, for {@code benchmarks/run.sh}'s busy part
 * when the CLI it measures has no {@code server --transport}: with the {@code netcode-transport-epoll} jar and Netty
 * on the class path it serves on {@code epoll}.
 *
 * <p>Usage: {@code java -cp CLASSPATH dev.netcode.benchmarks.TransportEchoServer TRANSPORT ADDRESS SECONDS} (0: until
 * SIGTERM); prints {@code listening addr=ADDR transport=NAME} once it serves and, when it stops,
 * {@code counters received=N sent=N}. Key and protocol id are the C reference's examples' ({@link Fixtures}).
 */
public final class TransportEchoServer {

    /** The C reference's slot count (NETCODE_MAX_CLIENTS), as the CLI server is run with. */
    private static final int MAX_CLIENTS = 256;

    private TransportEchoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: TransportEchoServer TRANSPORT ADDRESS SECONDS");
            System.exit(2);
        }
        String name = args[0];
        NetcodeAddress address = NetcodeAddress.parse(args[1]);
        int seconds = Integer.parseInt(args[2]);
        ServiceLoader<TransportProvider> providers = ServiceLoader.load(TransportProvider.class);
        TransportProvider provider = providers.stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport '" + name + "' on the class path, only "
                        + providers.stream().map(p -> p.get().name()).collect(Collectors.joining(", "))));
        if (!provider.isAvailable()) {
            throw new IllegalStateException(name + " cannot run here: " + provider.unavailabilityReason());
        }
        ServerConfig config = ServerConfig.builder(Fixtures.PROTOCOL_ID, Fixtures.PRIVATE_KEY)
                .eventHandler(new ServerEventHandler() {
                    @Override
                    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                        slot.send(buf, offset, length);
                    }
                }).build();
        NetcodeServer server = new NetcodeServer(config, () -> provider.bind(address, TransportOptions.defaults()),
                MAX_CLIENTS);
        server.start();
        System.out.println("listening addr=" + server.localAddress() + " transport=" + provider.name());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServerStatistics statistics = server.statistics();
            server.stop();
            System.out.println("counters received=" + statistics.packetsReceived() + " sent=" + statistics.packetsSent());
            stopped.countDown();
        }));
        if (seconds > 0 && !stopped.await(seconds, TimeUnit.SECONDS)) {
            System.exit(0); // runs the hook
        }
        stopped.await();
    }
}
