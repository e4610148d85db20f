package dev.netcode.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.SimulatedNetwork;

/**
 * Servers and clients on one {@link SimulatedNetwork}, all driven by one explicit clock, so
 * protocol scenarios run in simulated time without sleeping. Defaults follow the reference test
 * suite: protocol id 0x1122334455667788, its test private key, token expiry 30 s, timeout 15 s,
 * ticks of 0.1 s. The wall clock (Unix seconds) is separate and moves only when told to.
 */
public final class ProtocolHarness {

    public static final long PROTOCOL_ID = 0x1122334455667788L;
    public static final byte[] PRIVATE_KEY = dev.netcode.Bytes.fromHex(
            "606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1");
    public static final int TOKEN_EXPIRY = 30;
    public static final int TIMEOUT = 15;
    public static final double TICK = 0.1;

    public final SimulatedNetwork network;
    private long unixTime = 1_700_000_000L;
    private double time;
    private final List<ServerStateMachine> servers = new ArrayList<>();
    private final List<ClientStateMachine> clients = new ArrayList<>();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(PRIVATE_KEY, PROTOCOL_ID, this::unixTime);
    private int nextClientPort = 50000;

    /** A perfect network: no latency, loss, jitter or duplicates. */
    public ProtocolHarness() {
        this(new SimulatedNetwork());
    }

    public ProtocolHarness(SimulatedNetwork network) {
        this.network = network;
    }

    /** The reference suite's lossy simulator: 250 ms latency, ±250 ms jitter, 5 % loss, 10 % duplicates. */
    public static ProtocolHarness lossy(long seed) {
        return new ProtocolHarness(new SimulatedNetwork(seed).setLatencySeconds(0.25).setJitterSeconds(0.25)
                .setPacketLossPercent(5).setDuplicatePercent(10));
    }

    public long unixTime() {
        return unixTime;
    }

    public void advanceUnixTime(long seconds) {
        unixTime += seconds;
    }

    public double time() {
        return time;
    }

    /** A server at {@code address} with recording events, not yet started. */
    public RecordingServer server(String address) {
        return server(address, builder -> builder);
    }

    public RecordingServer server(String address,
            java.util.function.UnaryOperator<ServerConfig.Builder> customizer) {
        NetcodeAddress bound = NetcodeAddress.parse(address);
        ServerEvents events = new ServerEvents();
        ServerConfig config = customizer.apply(ServerConfig.builder(PROTOCOL_ID, PRIVATE_KEY)
                .serverAddress(bound).unixClock(this::unixTime).eventHandler(events)).build();
        ServerStateMachine server = new ServerStateMachine(config, network.endpoint(bound), time);
        servers.add(server);
        return new RecordingServer(server, events);
    }

    /** A client on its own simulated address. */
    public RecordingClient client() {
        return client("127.0.0.1:" + nextClientPort++);
    }

    public RecordingClient client(String address) {
        ClientEvents events = new ClientEvents();
        ClientStateMachine client = new ClientStateMachine(network.endpoint(NetcodeAddress.parse(address)), events, time);
        clients.add(client);
        return new RecordingClient(client, events);
    }

    public ConnectToken token(long clientId, String... serverAddresses) {
        return token(clientId, TOKEN_EXPIRY, TIMEOUT, serverAddresses);
    }

    public ConnectToken token(long clientId, int expireSeconds, int timeoutSeconds, String... serverAddresses) {
        List<NetcodeAddress> addresses = new ArrayList<>();
        for (String address : serverAddresses) {
            addresses.add(NetcodeAddress.parse(address));
        }
        return tokens.generate(clientId, addresses, expireSeconds, timeoutSeconds, null);
    }

    /** Advances the clock by one tick and updates the network, every client and every server. */
    public void tick() {
        tick(TICK);
    }

    public void tick(double seconds) {
        time += seconds;
        network.update(time);
        for (ClientStateMachine client : clients) {
            client.update(time);
        }
        for (ServerStateMachine server : servers) {
            server.update(time);
        }
    }

    /** Ticks until {@code condition} holds, at most {@code maxTicks} times; returns whether it held. */
    public boolean tickUntil(BooleanSupplier condition, int maxTicks) {
        for (int i = 0; i < maxTicks; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            tick();
        }
        return condition.getAsBoolean();
    }

    /** Stops ticking a server (as if its process hung) without stopping it. */
    public void freeze(ServerStateMachine server) {
        servers.remove(server);
    }

    public record RecordingServer(ServerStateMachine server, ServerEvents events) {
    }

    public record RecordingClient(ClientStateMachine client, ClientEvents events) {

        public ClientState state() {
            return client.state();
        }
    }

    /** Records what a server reports. */
    public static final class ServerEvents implements ServerEventHandler {
        public final List<Long> connected = new ArrayList<>();
        public final List<DisconnectReason> disconnected = new ArrayList<>();
        public final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void onClientConnected(ClientSlot slot) {
            connected.add(slot.clientId());
        }

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            payloads.add(java.util.Arrays.copyOfRange(buf, offset, offset + length));
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            disconnected.add(reason);
        }
    }

    /** Records what a client reports. */
    public static final class ClientEvents implements ClientEventHandler {
        public final List<ClientState> states = new ArrayList<>();
        public final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void onStateChanged(ClientState previous, ClientState current) {
            states.add(current);
        }

        @Override
        public void onPayload(byte[] buf, int offset, int length, long sequence) {
            payloads.add(java.util.Arrays.copyOfRange(buf, offset, offset + length));
        }
    }
}
