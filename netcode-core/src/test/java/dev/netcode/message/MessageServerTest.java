package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.Transport;

/** {@link MessageServer} and {@link MessageClient} on a netcode server and clients, in simulated time. */
class MessageServerTest {

    private static final long PROTOCOL_ID = 0x4D534753L;
    private static final long UNIX_START = 1_700_000_000L;
    private static final NetcodeAddress SERVER = NetcodeAddress.parse("10.0.0.1:40000");

    private static MessageConfig chat(int window) {
        return MessageConfig.of(ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE),
                ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED).withWindowMessages(window));
    }

    private final SimulatedNetwork network = new SimulatedNetwork(11).setLatencySeconds(0.02);
    private final byte[] key = SecureRandomBytes.key();
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID, this::unixNow);
    private final ServerEvents serverEvents = new ServerEvents();
    private double time;
    private MessageServer messages;
    private ServerStateMachine server;
    private final List<Client> clients = new ArrayList<>();

    private final class ServerEvents implements ServerMessageHandler {
        final List<String> received = new ArrayList<>();
        final List<DisconnectReason> disconnects = new ArrayList<>();
        final List<Long> connected = new ArrayList<>();

        @Override
        public void onMessage(int slot, long clientId, int channel, byte[] buf, int offset, int length) {
            received.add(slot + "/" + clientId + "/" + channel + ":" + new String(buf, offset, length));
            if (channel == 1 && new String(buf, offset, length).startsWith("echo ")) {
                messages.send(slot, clientId, 1, buf, offset + 5, length - 5);
            }
        }

        @Override
        public void onClientConnected(ClientSlot slot) {
            connected.add(slot.clientId());
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            disconnects.add(reason);
        }
    }

    private final class Client implements ClientMessageHandler {
        final MessageClient messages;
        final ClientStateMachine machine;
        final Transport transport;
        final List<String> received = new ArrayList<>();
        final List<Integer> overflows = new ArrayList<>();

        Client(MessageConfig config) {
            messages = new MessageClient(config, this);
            transport = network.endpoint();
            machine = new ClientStateMachine(transport, messages, time);
        }

        @Override
        public void onMessage(int channel, byte[] buf, int offset, int length) {
            received.add(channel + ":" + new String(buf, offset, length));
        }

        @Override
        public void onReceiveWindowOverflow(int channel) {
            overflows.add(channel);
        }
    }

    private void startServer(MessageConfig config) {
        messages = new MessageServer(config, serverEvents);
        server = new ServerStateMachine(ServerConfig.builder(PROTOCOL_ID, key).serverAddress(SERVER).unixClock(this::unixNow)
                .eventHandler(messages).build(), network.endpoint(SERVER), time);
        server.start(4);
    }

    private Client connect(MessageConfig config, long clientId) {
        Client client = new Client(config);
        clients.add(client);
        client.machine.connect(tokens.generate(clientId, List.of(SERVER), 60, 10, null));
        runUntil(() -> client.messages.isConnected() && server.findClientIndex(clientId) >= 0, 500);
        assertThat(client.messages.isConnected()).isTrue();
        return client;
    }

    private void step() {
        time += 0.01;
        network.update(time);
        server.update(time);
        for (Client client : clients) {
            client.machine.update(time);
        }
    }

    private void runUntil(java.util.function.BooleanSupplier condition, int maxSteps) {
        for (int i = 0; i < maxSteps && !condition.getAsBoolean(); i++) {
            step();
        }
    }

    private long unixNow() {
        return UNIX_START + (long) time;
    }

    @Test
    void messagesGoBothWaysWithSlotClientIdAndChannel() {
        startServer(chat(64));
        Client client = connect(chat(64), 77);
        int slot = server.findClientIndex(77);
        assertThat(serverEvents.connected).containsExactly(77L);
        client.messages.send("chat", "hello".getBytes());
        client.messages.send(1, "echo back".getBytes());
        client.messages.send("snapshots", "s1".getBytes());
        runUntil(() -> client.received.size() == 1, 200);
        assertThat(serverEvents.received).containsExactly(slot + "/77/1:hello", slot + "/77/1:echo back",
                slot + "/77/0:s1");
        assertThat(client.received).containsExactly("1:back");

        assertThat(messages.send(slot, 78, "chat", "not for you".getBytes())).as("another client id").isFalse();
        assertThat(messages.send(slot + 1, 77, "chat", "free slot".getBytes())).isFalse();
        assertThat(messages.broadcast("chat", "to all".getBytes())).isEqualTo(1);
        runUntil(() -> client.received.size() == 2, 200);
        assertThat(client.received).containsExactly("1:back", "1:to all");

        runUntil(() -> false, 20);
        ConnectionStats stats = messages.stats(slot);
        assertThat(stats.rttMillis()).isPositive();
        assertThat(stats.channels().get(1).messagesReceived()).isEqualTo(2);
        assertThat(stats.channels().get(1).messagesSent()).isEqualTo(2);
        assertThat(client.messages.stats().channels().get(1).messagesReceived()).isEqualTo(2);
        assertThat(messages.stats(slot + 1)).isNull();
        assertThat(messages.isConnected(slot, 77)).isTrue();
    }

    @Test
    void theServerWakesForFlushesAndResendsItsHandlerAsks() {
        startServer(chat(64));
        Client client = connect(chat(64), 5);
        int slot = server.findClientIndex(5);
        runUntil(() -> false, 50);
        double idle = server.nextUpdateTime();
        messages.send(slot, 5, 1, "wake".getBytes());
        assertThat(server.nextUpdateTime()).as("a queued message wants the next flush").isLessThan(idle)
                .isLessThanOrEqualTo(time + MessageConfig.DEFAULT_FLUSH_INTERVAL_SECONDS + 1e-9);
        network.setPacketLossPercent(100);
        step();
        assertThat(server.nextUpdateTime()).as("a message in flight wants its re-send")
                .isLessThanOrEqualTo(time + MessageConfig.DEFAULT_MAX_RESEND_SECONDS + 1e-9);
        network.setPacketLossPercent(0);
        runUntil(() -> client.received.size() == 1, 200);
        assertThat(client.received).containsExactly("1:wake");
    }

    @Test
    void broadcastIsAllOrNothingWhenAClientsChannelIsFull() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED)
                .withWindowMessages(2));
        startServer(config);
        Client first = connect(config, 1);
        connect(config, 2);
        network.setPacketLossPercent(100);
        messages.send(server.findClientIndex(1), 1, 0, "a".getBytes());
        messages.send(server.findClientIndex(1), 1, 0, "b".getBytes());
        assertThatThrownBy(() -> messages.broadcast(0, "c".getBytes(), 0, 1)).isInstanceOf(MessageLimitException.class)
                .hasMessageContaining("windowMessages = 2");
        assertThat(messages.connection(server.findClientIndex(2)).bufferedBytes()).as("nothing queued for client 2")
                .isZero();
        network.setPacketLossPercent(0);
        runUntil(() -> first.received.size() == 2, 300);
        assertThat(first.received).containsExactly("0:a", "0:b");
    }

    @Test
    void aClientThatOverflowsAReceiveWindowIsDisconnectedWithItsOwnReason() {
        startServer(chat(8));
        // A client with a larger window than the server's: it sends further ahead than the server allows.
        Client client = connect(chat(64), 9);
        NetcodeAddress clientAddress = client.transport.localAddress();
        network.setFilter((from, to, buf, offset, length) -> !from.equals(clientAddress));
        client.messages.send(1, "lost".getBytes());
        step();
        network.setFilter(null);
        for (int i = 1; i < 20; i++) {
            client.messages.send(1, ("m" + i).getBytes());
        }
        runUntil(() -> !serverEvents.disconnects.isEmpty() && client.machine.state() != ClientState.CONNECTED, 100);
        assertThat(serverEvents.disconnects).containsExactly(DisconnectReason.RECEIVE_WINDOW_OVERFLOW);
        assertThat(server.connectedClientCount()).isZero();
        assertThat(client.machine.state()).as("the server told the client").isEqualTo(ClientState.DISCONNECTED);
        assertThat(client.messages.isConnected()).isFalse();
        assertThat(serverEvents.received).isEmpty();
    }

    @Test
    void aServerThatOverflowsAClientsReceiveWindowIsDisconnectedFrom() {
        startServer(chat(64));
        Client client = connect(chat(8), 10);
        int slot = server.findClientIndex(10);
        network.setFilter((from, to, buf, offset, length) -> !from.equals(SERVER));
        messages.send(slot, 10, 1, "lost".getBytes());
        step();
        network.setFilter(null);
        for (int i = 1; i < 20; i++) {
            messages.send(slot, 10, 1, ("m" + i).getBytes());
        }
        runUntil(() -> !client.overflows.isEmpty() && !serverEvents.disconnects.isEmpty(), 100);
        assertThat(client.overflows).containsExactly(1);
        assertThat(client.messages.overflowChannel()).isEqualTo(1);
        assertThat(client.machine.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(serverEvents.disconnects).as("the client told the server").containsExactly(
                DisconnectReason.CLIENT_DISCONNECT);
        assertThat(client.received).isEmpty();
    }
}
