package dev.netcode.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.UdpTransport;

/**
 * Bytes the server's thread allocates per packet on the real UDP path, which JMH cannot see: an
 * echo server ({@link ServerStateMachine} on a {@link UdpTransport} bound to 127.0.0.1) and M
 * clients (each on its own {@code UdpTransport}), all driven from this one thread. Each round every
 * client sends one payload; then one {@code server.update} receives them all, decrypts, dispatches
 * and echoes each (encrypt, send), and only that call is measured with
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}; then the clients read
 * their echoes. The first half of the rounds warms up the JIT and is not counted.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.netcode.benchmarks.UdpAllocationProbe [clients=64]
 * [rounds=4000] [payload-bytes=100]}; prints one line:
 * {@code udp-alloc clients=M packets=N bytes_per_packet=X}, where a packet is one payload received
 * and echoed.
 */
public final class UdpAllocationProbe {

    private UdpAllocationProbe() {
    }

    private static boolean allConnected(List<ClientStateMachine> members) {
        return members.stream().allMatch(c -> c.state() == ClientState.CONNECTED);
    }

    public static void main(String[] args) throws InterruptedException {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int payloadBytes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long[] echoed = new long[1];
        ServerEventHandler echo = new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                slot.send(buf, offset, length);
                echoed[0]++;
            }
        };
        UdpTransport serverTransport = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        NetcodeAddress serverAddress = serverTransport.localAddress();
        ServerConfig config = ServerConfig.builder(Fixtures.PROTOCOL_ID, Fixtures.PRIVATE_KEY)
                .unixClock(() -> Fixtures.UNIX_TIME).eventHandler(echo).build();
        ConnectTokenGenerator tokens = Fixtures.tokens();
        double t = 0.0;
        List<ClientStateMachine> members = new ArrayList<>();
        try (ServerStateMachine server = new ServerStateMachine(config, serverTransport, t)) {
            server.start(clients);
            for (int i = 0; i < clients; i++) {
                ClientStateMachine client = new ClientStateMachine(UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0")), t);
                client.connect(tokens.generate(i + 1, List.of(serverAddress), 300, 15, null));
                members.add(client);
            }
            for (int i = 0; i < 500 && !allConnected(members); i++) {
                t += 0.01;
                for (ClientStateMachine client : members) {
                    client.update(t);
                }
                Thread.sleep(1);
                server.update(t);
                Thread.sleep(1);
            }
            if (!allConnected(members)) {
                throw new IllegalStateException("only " + server.connectedClientCount() + " of " + clients + " connected");
            }

            byte[] payload = new byte[payloadBytes];
            long allocated = 0;
            long counted = 0;
            for (int round = 0; round < rounds; round++) {
                t += 0.001;
                for (ClientStateMachine client : members) {
                    client.sendPayload(payload);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                long echoedBefore = echoed[0];
                server.update(t);
                long after = threads.getCurrentThreadAllocatedBytes();
                if (round >= rounds / 2) {
                    allocated += after - before;
                    counted += echoed[0] - echoedBefore;
                }
                for (ClientStateMachine client : members) {
                    client.update(t);
                }
            }
            System.out.printf(Locale.ROOT, "udp-alloc clients=%d payload_bytes=%d packets=%d bytes_per_packet=%.2f%n",
                    clients, payloadBytes, counted, counted == 0 ? Double.NaN : (double) allocated / counted);
        }
        finally {
            members.forEach(ClientStateMachine::close);
        }
    }
}
