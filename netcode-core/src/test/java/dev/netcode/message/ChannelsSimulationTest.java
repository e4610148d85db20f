package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
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

/**
 * The evidence, on the whole stack in simulated time: a {@link ServerStateMachine} with a
 * {@link MessageServer} and 64 {@link ClientStateMachine}s with {@link MessageClient}s on a
 * {@link SimulatedNetwork} with 25 % loss, 100 ms ± 50 ms one-way latency (which reorders) and 5 %
 * duplicates, 100 ticks a second. Every client and, to every client, the server send 10,000
 * messages on each of 4 channels (one per delivery mode), the reliable ones including 4 of 200 KiB
 * each way, spread over 30 simulated seconds; once a client has everything it disconnects. The
 * first {@value #LONG_HAUL} clients send 20,000 per channel each way instead, one message a tick
 * over 800 seconds, so that their connections send more than 65,536 packets each way and cross the
 * 16-bit sequence wrap (every connection doing so would take minutes of CPU on the shared machine).
 *
 * <p>Checked: every reliable message delivered exactly once and intact, in order on the ordered
 * channel; unreliable ones at most once (sequenced ones in increasing order), about 75 % of them
 * arriving; every connection's buffers within {@link MessageConfig#maxBufferedBytes(int)}
 * throughout; the long-haul connections past 65,536 packets; no client disconnected but by its
 * own choice once done.
 */
class ChannelsSimulationTest {

    static final int CLIENTS = Integer.getInteger("channels.clients", 64);
    /** Clients whose connections cross the 16-bit sequence wrap. */
    static final int LONG_HAUL = 4;
    static final int MESSAGES = Integer.getInteger("channels.messages", 10_000);
    static final int BIG_PER_CHANNEL = 4;
    static final int BIG_BYTES = 200 * 1024;
    static final double TICK = 0.01;
    /** Ticks over which most clients' messages are spread. */
    static final int SEND_TICKS = Integer.getInteger("channels.sendTicks", 3_000);
    /**
     * Ticks over which the long-haul clients' messages are spread, and how many they send per
     * channel each way: one message a tick, so more than 65,536 packets each way.
     */
    static final int LONG_SEND_TICKS = Integer.getInteger("channels.longSendTicks", 80_000);
    static final int LONG_MESSAGES = LONG_SEND_TICKS / 4;
    static final int MAX_TICKS = LONG_SEND_TICKS + 5_000;
    static final long UNIX_START = 1_700_000_000L;
    static final long PROTOCOL_ID = 0xC4A77E15L;
    static final NetcodeAddress SERVER = NetcodeAddress.parse("10.0.0.1:40000");
    static final int ORDERED = 2;
    static final int UNORDERED = 3;

    static final MessageConfig CONFIG = MessageConfig.of(
            ChannelConfig.of("inputs", DeliveryMode.UNRELIABLE),
            ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED),
            ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED),
            ChannelConfig.of("events", DeliveryMode.RELIABLE_UNORDERED));

    private final SimulatedNetwork network = new SimulatedNetwork(0xC4A7).setLatencySeconds(0.1).setJitterSeconds(0.05)
            .setPacketLossPercent(25).setDuplicatePercent(5);
    private final List<String> violations = new ArrayList<>();
    private double time;

    /** What one end of one connection received, per channel. */
    private final class Inbox {
        final String who;
        final int messages;
        final BitSet[] seen = new BitSet[4];
        int nextOrdered;
        int lastSequenced = -1;
        final long[] count = new long[4];

        Inbox(String who, int messages) {
            this.who = who;
            this.messages = messages;
            for (int i = 0; i < 4; i++) {
                seen[i] = new BitSet(messages);
            }
        }

        void receive(int channel, byte[] buf, int offset, int length) {
            int index = (buf[offset] & 0xFF) | (buf[offset + 1] & 0xFF) << 8 | (buf[offset + 2] & 0xFF) << 16;
            if (index >= messages || buf[offset + 3] != channel || length != length(channel, index, messages)
                    || !intact(channel, index, buf, offset, length)) {
                violations.add(who + " channel " + channel + ": a corrupt message (index " + index + ", " + length + " bytes)");
                return;
            }
            if (seen[channel].get(index)) {
                violations.add(who + " channel " + channel + ": message " + index + " delivered twice");
            }
            seen[channel].set(index);
            count[channel]++;
            if (channel == ORDERED) {
                if (index != nextOrdered) {
                    violations.add(who + " ordered channel: message " + index + " delivered when " + nextOrdered + " was due");
                }
                nextOrdered = index + 1;
            }
            if (channel == 1) {
                if (index <= lastSequenced) {
                    violations.add(who + " sequenced channel: message " + index + " after " + lastSequenced);
                }
                lastSequenced = index;
            }
        }

        boolean reliableDone() {
            return count[ORDERED] == messages && count[UNORDERED] == messages;
        }
    }

    /** Sends one end's messages on schedule, retrying a message its channel refuses as full. */
    private static final class Outbox {
        final int sendTicks;
        final int messages;
        final int[] next = new int[4];
        long refusals;

        Outbox(int sendTicks, int messages) {
            this.sendTicks = sendTicks;
            this.messages = messages;
        }

        boolean done() {
            return next[0] == messages && next[1] == messages && next[2] == messages && next[3] == messages;
        }

        void send(int tick, Sender sender) {
            for (int channel = 0; channel < 4; channel++) {
                // Channel c's message k falls due at tick (k + c / 4) * sendTicks / messages: the
                // channels take turns rather than all sending on the same ticks.
                long due = Math.floorDiv(4L * (tick + 1) * messages - (long) channel * sendTicks, 4L * sendTicks) + 1;
                due = Math.max(0, Math.min(messages, due));
                while (next[channel] < due) {
                    byte[] message = message(channel, next[channel], messages);
                    try {
                        if (!sender.send(channel, message)) {
                            return;
                        }
                    }
                    catch (MessageLimitException full) {
                        if (channel >= ORDERED) {
                            refusals++;
                            break;
                        }
                        // An unreliable channel never fills between flushes at this rate.
                        throw full;
                    }
                    next[channel]++;
                }
            }
        }
    }

    @FunctionalInterface
    private interface Sender {
        boolean send(int channel, byte[] message);
    }

    static int length(int channel, int index, int messages) {
        if (channel >= ORDERED && index % (messages / BIG_PER_CHANNEL) == messages / BIG_PER_CHANNEL / 2) {
            return BIG_BYTES;
        }
        return 4 + (index * 37 + channel * 11) % 200;
    }

    static byte[] message(int channel, int index, int messages) {
        int length = length(channel, index, messages);
        byte[] bytes = new byte[length];
        bytes[0] = (byte) index;
        bytes[1] = (byte) (index >>> 8);
        bytes[2] = (byte) (index >>> 16);
        bytes[3] = (byte) channel;
        for (int i = 4; i < length; i++) {
            bytes[i] = (byte) (index * 7 + i * 13 + channel);
        }
        return bytes;
    }

    static boolean intact(int channel, int index, byte[] buf, int offset, int length) {
        for (int i = 4; i < length; i++) {
            if (buf[offset + i] != (byte) (index * 7 + i * 13 + channel)) {
                return false;
            }
        }
        return true;
    }

    private final class Client implements ClientMessageHandler {
        final Inbox inbox;
        final Outbox outbox;
        final MessageClient messages = new MessageClient(CONFIG, this);
        final ClientStateMachine machine;
        final List<ClientState> states = new ArrayList<>();
        boolean retired;
        long packetsSent;
        long serverPacketsSent;
        ConnectionStats stats;
        ConnectionStats serverStats;

        Client(int index) {
            int count = index < LONG_HAUL ? LONG_MESSAGES : MESSAGES;
            inbox = new Inbox("client " + index, count);
            outbox = new Outbox(index < LONG_HAUL ? LONG_SEND_TICKS : SEND_TICKS, count);
            machine = new ClientStateMachine(network.endpoint(), messages, time);
        }

        @Override
        public void onMessage(int channel, byte[] buf, int offset, int length) {
            inbox.receive(channel, buf, offset, length);
        }

        @Override
        public void onStateChanged(ClientState previous, ClientState current) {
            states.add(current);
        }
    }

    private final class Server implements ServerMessageHandler {
        final Inbox[] inboxes = new Inbox[CLIENTS];
        final Outbox[] outboxes = new Outbox[CLIENTS];
        final List<DisconnectReason> disconnects = new ArrayList<>();

        Server() {

        }

        @Override
        public void onMessage(int slot, long clientId, int channel, byte[] buf, int offset, int length) {
            inboxes[slot].receive(channel, buf, offset, length);
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            disconnects.add(reason);
        }
    }

    @Test
    void sixtyFourClientsFourChannelsUnderLossJitterAndDuplicates() {
        byte[] key = SecureRandomBytes.key();
        Server server = new Server();
        MessageServer messageServer = new MessageServer(CONFIG, server);
        ServerStateMachine machine = new ServerStateMachine(ServerConfig.builder(PROTOCOL_ID, key).serverAddress(SERVER)
                .unixClock(this::unixNow).eventHandler(messageServer).build(), network.endpoint(SERVER), time);
        machine.start(CLIENTS);
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID, this::unixNow);
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Client client = new Client(i);
            client.machine.connect(tokens.generate(1000 + i, List.of(SERVER), 300, 30, null));
            clients.add(client);
        }
        for (int tick = 0; tick < 3_000 && !allConnected(machine, clients); tick++) {
            step(machine, clients);
        }
        assertThat(clients).allMatch(client -> client.messages.isConnected());
        assertThat(machine.connectedClientCount()).as("clients connected through 25 % loss").isEqualTo(CLIENTS);
        int[] slotOf = new int[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            slotOf[i] = machine.findClientIndex(1000 + i);
        }

        for (int i = 0; i < CLIENTS; i++) {
            Outbox outbox = clients.get(i).outbox;
            server.outboxes[slotOf[i]] = new Outbox(outbox.sendTicks, outbox.messages);
            server.inboxes[slotOf[i]] = new Inbox("server from client " + i, outbox.messages);
        }
        long start = System.nanoTime();
        int tick = 0;
        int retired = 0;
        for (; tick < MAX_TICKS && retired < CLIENTS; tick++) {
            for (int i = 0; i < CLIENTS; i++) {
                Client client = clients.get(i);
                if (client.retired) {
                    continue;
                }
                client.outbox.send(tick, client.messages::send);
                int slot = slotOf[i];
                long clientId = 1000 + i;
                server.outboxes[slot].send(tick, (channel, message) ->
                        messageServer.send(slot, clientId, channel, message, 0, message.length));
            }
            step(machine, clients);
            if (tick == SEND_TICKS) {
                System.out.printf("channels simulation: %d ticks took %.1f s%n", tick, (System.nanoTime() - start) / 1e9);
            }
            if (tick % 500 == 0) {
                checkBudgets(messageServer, clients, slotOf);
                assertThat(violations).as("violations at tick %d", tick).isEmpty();
            }
            for (int i = 0; i < CLIENTS; i++) {
                Client client = clients.get(i);
                if (!client.retired && finished(client, server, slotOf[i], messageServer)) {
                    client.packetsSent = client.messages.connection().packetsSent();
                    client.serverPacketsSent = messageServer.connection(slotOf[i]).packetsSent();
                    client.stats = client.messages.connection().stats();
                    client.serverStats = messageServer.connection(slotOf[i]).stats();
                    client.retired = true;
                    retired++;
                    client.machine.disconnect();
                    client.machine.close();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // The last client's disconnect packets are still on their way.
        for (int settle = 0; settle < 100 && server.disconnects.size() < CLIENTS; settle++) {
            step(machine, clients);
        }

        assertThat(violations).isEmpty();
        assertThat(retired).as("clients that got everything (long-haul packets sent: %s)", clients.subList(0, LONG_HAUL)
                .stream().map(c -> c.retired ? "done" : c.messages.connection().packetsSent() + "/"
                        + messageServer.connection(machine.findClientIndex(1000 + clients.indexOf(c))).packetsSent())
                .toList()).isEqualTo(CLIENTS);
        assertThat(server.disconnects).as("only clients that were done left").hasSize(CLIENTS)
                .containsOnly(DisconnectReason.CLIENT_DISCONNECT);
        long minPackets = Long.MAX_VALUE;
        long[] delivered = new long[2];
        long[] sent = new long[2];
        long[] dropped = new long[2];
        for (int i = 0; i < CLIENTS; i++) {
            Client client = clients.get(i);
            Inbox fromServer = client.inbox;
            Inbox fromClient = server.inboxes[slotOf[i]];
            if (i < LONG_HAUL) {
                minPackets = Math.min(minPackets, Math.min(client.packetsSent, client.serverPacketsSent));
            }
            for (int channel = 0; channel < 2; channel++) {
                delivered[channel] += fromServer.count[channel] + fromClient.count[channel];
                sent[channel] += 2L * client.outbox.messages;
                dropped[channel] += client.stats.channels().get(channel).messagesDropped()
                        + client.serverStats.channels().get(channel).messagesDropped();
                assertThat(client.stats.channels().get(channel).messagesReceived()).isEqualTo(fromServer.count[channel]);
            }
            assertThat(client.states).containsExactly(ClientState.SENDING_CONNECTION_REQUEST,
                    ClientState.SENDING_CONNECTION_RESPONSE, ClientState.CONNECTED, ClientState.DISCONNECTED);
        }
        assertThat(minPackets).as("packets on the least busy long-haul connection: the 16-bit sequence wrapped")
                .isGreaterThan(65_536);
        // About 75 % of the unreliable messages a flush had room for survive 25 % loss; sequenced ones
        // that arrive after a newer one are dropped (and counted) on top.
        assertThat(delivered[0]).isBetween((long) ((sent[0] - dropped[0]) * 0.7), (long) ((sent[0] - dropped[0]) * 0.8));
        assertThat(delivered[1] + dropped[1]).isLessThanOrEqualTo(sent[1]);
        assertThat(delivered[1]).isPositive();
        System.out.printf("channels simulation: %d ticks (%.0f s simulated) in %.1f s; least packets on a connection %d; "
                + "unreliable delivered %d of %d (%d dropped for room), sequenced delivered %d of %d (%d dropped: no room "
                + "or stale); network sent %d, lost %d, duplicated %d%n",
                tick, tick * TICK, seconds, minPackets, delivered[0], sent[0], dropped[0], delivered[1], sent[1], dropped[1],
                network.sent(), network.lost(), network.duplicated());
    }

    private static boolean allConnected(ServerStateMachine machine, List<Client> clients) {
        return machine.connectedClientCount() == CLIENTS && clients.stream().allMatch(client -> client.messages.isConnected());
    }

    /** Whether client and server have sent and received everything, and the long-haul connection wrapped. */
    private static boolean finished(Client client, Server server, int slot, MessageServer messageServer) {
        if (!client.outbox.done() || !server.outboxes[slot].done() || !client.inbox.reliableDone()
                || !server.inboxes[slot].reliableDone()) {
            return false;
        }
        return client.outbox.sendTicks == SEND_TICKS || client.messages.connection().packetsSent() > 65_536
                && messageServer.connection(slot).packetsSent() > 65_536;
    }

    private void checkBudgets(MessageServer messageServer, List<Client> clients, int[] slotOf) {
        for (int i = 0; i < CLIENTS; i++) {
            if (!clients.get(i).retired) {
                checkBudget("client " + i, clients.get(i).messages.connection());
                checkBudget("server slot " + slotOf[i], messageServer.connection(slotOf[i]));
            }
        }
    }

    private void checkBudget(String who, MessageConnection connection) {
        for (int channel = 0; channel < 4; channel++) {
            long budget = CONFIG.maxBufferedBytes(channel);
            if (connection.bufferedBytes(channel) > budget || connection.allocatedBytes(channel) > budget) {
                violations.add(who + " channel " + channel + " holds " + connection.bufferedBytes(channel) + " bytes in "
                        + connection.allocatedBytes(channel) + " allocated, over its budget of " + budget);
            }
        }
    }

    private void step(ServerStateMachine machine, List<Client> clients) {
        time += TICK;
        network.update(time);
        machine.update(time);
        for (Client client : clients) {
            if (!client.retired) {
                client.machine.update(time);
            }
        }
    }

    private long unixNow() {
        return UNIX_START + (long) time;
    }
}
