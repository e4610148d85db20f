package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.reliable.ReliableConfig;
import dev.netcode.reliable.ReliableEndpoint;
import dev.netcode.transport.SimulatedNetwork;

class MessageConnectionTest {

    private static final MessageConfig FOUR = MessageConfig.of(
            ChannelConfig.of("unreliable", DeliveryMode.UNRELIABLE),
            ChannelConfig.of("sequenced", DeliveryMode.UNRELIABLE_SEQUENCED),
            ChannelConfig.of("ordered", DeliveryMode.RELIABLE_ORDERED),
            ChannelConfig.of("unordered", DeliveryMode.RELIABLE_UNORDERED));

    private static SimulatedNetwork lossy(long seed) {
        return new SimulatedNetwork(seed).setLatencySeconds(0.05).setJitterSeconds(0.03).setPacketLossPercent(25)
                .setDuplicatePercent(5);
    }

    @Test
    void reliableMessagesArriveExactlyOnceAndOrderedOnesInOrderUnderLoss() {
        MessagePair pair = new MessagePair(lossy(1), FOUR);
        int count = 2_000;
        int sent = 0;
        for (int step = 0; step < 20_000 && (sent < count || pair.b.received.get(2).size() < count
                || pair.b.received.get(3).size() < count); step++) {
            // Five a tick, while both windows have room (a full window throws, as tested below).
            for (int k = 0; k < 5 && sent < count && hasRoom(pair.a.connection, 2) && hasRoom(pair.a.connection, 3); k++, sent++) {
                pair.a.connection.send(2, MessagePair.message(2, sent, 4 + sent % 300));
                pair.a.connection.send(3, MessagePair.message(3, sent, 4 + sent % 300));
            }
            pair.step(0.01);
        }
        List<byte[]> ordered = pair.b.received.get(2);
        assertThat(ordered).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(ordered.get(i)).isEqualTo(MessagePair.message(2, i, 4 + i % 300));
        }
        List<byte[]> unordered = pair.b.received.get(3);
        assertThat(unordered).hasSize(count);
        boolean[] seen = new boolean[count];
        for (byte[] message : unordered) {
            int index = (message[0] & 0xFF) | (message[1] & 0xFF) << 8 | (message[2] & 0xFF) << 16;
            assertThat(seen[index]).as("message %d delivered twice", index).isFalse();
            seen[index] = true;
            assertThat(message).isEqualTo(MessagePair.message(3, index, 4 + index % 300));
        }
        assertThat(pair.a.connection.stats().channels().get(2).messagesResent()).isPositive();
    }

    private static boolean hasRoom(MessageConnection connection, int channel) {
        try {
            connection.reserve(channel, 300);
            connection.unreserve(channel, 300);
            return true;
        }
        catch (MessageLimitException full) {
            return false;
        }
    }

    @Test
    void blocksOf200KiBArriveWholeUnderLoss() {
        MessagePair pair = new MessagePair(lossy(2), FOUR);
        byte[] big = MessagePair.message(2, 1, 200 * 1024);
        byte[] big2 = MessagePair.message(3, 2, 150 * 1024 + 17);
        pair.a.connection.send(2, MessagePair.message(2, 0, 10));
        pair.a.connection.send(2, big);
        pair.a.connection.send(2, MessagePair.message(2, 2, 10));
        pair.a.connection.send(3, big2);
        assertThat(pair.runUntil(() -> pair.b.received.get(2).size() == 3 && pair.b.received.get(3).size() == 1,
                0.01, 10_000)).isTrue();
        assertThat(pair.b.received.get(2).get(1)).isEqualTo(big);
        assertThat(pair.b.received.get(2).get(2)).isEqualTo(MessagePair.message(2, 2, 10));
        assertThat(pair.b.received.get(3).get(0)).isEqualTo(big2);
        assertThat(pair.runUntil(() -> pair.a.connection.bufferedBytes() == 0, 0.01, 1_000)).isTrue();
    }

    @Test
    void aLoopTickingAtTheFlushIntervalFlushesOnEveryTick() {
        // 0.01 added up a hundred times is not a multiple of 0.01 every time: no tick may be skipped for it.
        MessagePair pair = new MessagePair(new SimulatedNetwork(9), FOUR);
        for (int tick = 0; tick < 1_000; tick++) {
            pair.a.connection.send(0, MessagePair.message(0, tick, 10));
            pair.step(0.01);
        }
        assertThat(pair.a.connection.packetsSent()).isEqualTo(1_000);
        pair.step(0.01);
        assertThat(pair.b.received.get(0)).hasSize(1_000);
    }

    @Test
    void anUpdateWithNothingToSendDoesNotDelayTheNextMessage() {
        List<byte[]> sent = new ArrayList<>();
        MessageConnection connection = new MessageConnection(FOUR, 0.0,
                (buf, offset, length) -> sent.add(Arrays.copyOfRange(buf, offset, offset + length)),
                (channel, buf, offset, length) -> {
                });
        connection.send(0, MessagePair.message(0, 0, 10));
        connection.update(0.0);
        connection.update(0.009); // nothing to send: e.g. another client's datagram woke the server
        connection.send(0, MessagePair.message(0, 1, 10));
        connection.update(0.0101);
        assertThat(sent).as("the second message goes out one flush interval after the first packet").hasSize(2);
    }

    @Test
    void acksAreTimedWhenTheyArriveNotAtTheLastUpdate() {
        List<byte[]> fromA = new ArrayList<>();
        List<byte[]> fromB = new ArrayList<>();
        MessageConnection a = new MessageConnection(FOUR, 0.0,
                (buf, offset, length) -> fromA.add(Arrays.copyOfRange(buf, offset, offset + length)),
                (channel, buf, offset, length) -> {
                });
        MessageConnection b = new MessageConnection(FOUR, 0.0,
                (buf, offset, length) -> fromB.add(Arrays.copyOfRange(buf, offset, offset + length)),
                (channel, buf, offset, length) -> {
                });
        a.send(2, MessagePair.message(2, 0, 10));
        a.update(0.0);
        b.receivePayload(0.05, fromA.get(0), 0, fromA.get(0).length);
        b.update(0.05);
        // A's last update was at 0: the ack it receives at 0.1 took 100 ms, not 0.
        a.receivePayload(0.1, fromB.get(0), 0, fromB.get(0).length);
        assertThat(a.stats().rttMillis()).isCloseTo(100.0, offset(0.01));
        assertThat(a.resendInterval()).isGreaterThan(0.1);
    }

    @Test
    void largeUnreliableMessagesRideOnPacketFragmentation() {
        MessagePair pair = new MessagePair(new SimulatedNetwork(3), FOUR);
        byte[] large = MessagePair.message(0, 1, ChannelConfig.DEFAULT_MAX_UNRELIABLE_MESSAGE_BYTES);
        pair.a.connection.send(0, large);
        pair.a.connection.send(0, MessagePair.message(0, 2, 5));
        assertThat(pair.runUntil(() -> pair.b.received.get(0).size() == 2, 0.01, 100)).isTrue();
        assertThat(pair.b.received.get(0)).containsExactlyInAnyOrder(large, MessagePair.message(0, 2, 5));
    }

    @Test
    void messageIdsWrapAfter65536MessagesOnAChannel() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("ordered", DeliveryMode.RELIABLE_ORDERED)
                .withMaxMessageBytes(8));
        MessagePair pair = new MessagePair(new SimulatedNetwork(4).setPacketLossPercent(10), config, false);
        int[] received = {0};
        pair.b.connection = new MessageConnection(config, 0,
                (buf, offset, length) -> pair.b.transport.send(pair.a.transport.localAddress(), buf, offset, length),
                (channel, buf, offset, length) -> {
                    int index = (buf[offset] & 0xFF) | (buf[offset + 1] & 0xFF) << 8 | (buf[offset + 2] & 0xFF) << 16;
                    assertThat(index).isEqualTo(received[0]);
                    received[0]++;
                });
        int total = 70_000;
        int sent = 0;
        byte[] message = new byte[4];
        for (int step = 0; step < 100_000 && received[0] < total; step++) {
            while (sent < total && pair.a.connection.bufferedBytes(0) < 200 * 4) {
                message[0] = (byte) sent;
                message[1] = (byte) (sent >>> 8);
                message[2] = (byte) (sent >>> 16);
                pair.a.connection.send(0, message);
                sent++;
            }
            pair.step(0.01);
        }
        assertThat(received[0]).isEqualTo(total);
    }

    @Test
    void sendsOverALimitThrowNamingItAndQueueNothing() {
        MessageConfig config = MessageConfig.of(
                ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED).withMaxMessageBytes(100).withSendQueueBytes(250)
                        .withWindowMessages(4),
                ChannelConfig.of("inputs", DeliveryMode.UNRELIABLE).withMaxMessageBytes(50));
        MessagePair pair = new MessagePair(new SimulatedNetwork(5), config);
        MessageConnection connection = pair.a.connection;
        assertThatThrownBy(() -> connection.send(0, new byte[101]))
                .isInstanceOfSatisfying(MessageLimitException.class, ex -> {
                    assertThat(ex.limit()).isEqualTo(MessageLimit.MAX_MESSAGE_BYTES);
                    assertThat(ex.limitValue()).isEqualTo(100);
                })
                .hasMessageContaining("maxMessageBytes = 100").hasMessageContaining("'chat'");
        connection.send(0, new byte[100]);
        connection.send(0, new byte[100]);
        assertThatThrownBy(() -> connection.send(0, new byte[51]))
                .isInstanceOfSatisfying(MessageLimitException.class,
                        ex -> assertThat(ex.limit()).isEqualTo(MessageLimit.SEND_QUEUE_BYTES))
                .hasMessageContaining("sendQueueBytes = 250");
        connection.send(0, new byte[50]);
        connection.send(0, new byte[0]);
        assertThatThrownBy(() -> connection.send(0, new byte[0]))
                .isInstanceOfSatisfying(MessageLimitException.class,
                        ex -> assertThat(ex.limit()).isEqualTo(MessageLimit.WINDOW_MESSAGES))
                .hasMessageContaining("windowMessages = 4");
        assertThatThrownBy(() -> connection.send(1, new byte[51])).isInstanceOf(MessageLimitException.class)
                .hasMessageContaining("'inputs'").hasMessageContaining("maxMessageBytes = 50");
        assertThatThrownBy(() -> connection.send(2, new byte[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no channel with id 2");
        assertThat(connection.bufferedBytes(0)).isEqualTo(250);
        assertThat(pair.runUntil(() -> pair.b.received.get(0).size() == 4, 0.01, 100)).isTrue();
        assertThat(pair.b.received.get(1)).isEmpty();
        assertThat(pair.runUntil(() -> connection.bufferedBytes(0) == 0, 0.01, 100)).isTrue();
        connection.send(0, new byte[100]);
    }

    @Test
    void reservationsFromManyThreadsNeverExceedTheWindow() throws InterruptedException {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED)
                .withWindowMessages(100));
        MessageConnection connection = new MessageConnection(config, 0, (buf, offset, length) -> { },
                (channel, buf, offset, length) -> { });
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                }
                catch (InterruptedException ex) {
                    return;
                }
                for (int i = 0; i < 50; i++) {
                    try {
                        connection.reserve(0, 10);
                        taken.incrementAndGet();
                    }
                    catch (MessageLimitException full) {
                        refused.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(taken.get()).isEqualTo(100);
        assertThat(refused.get()).isEqualTo(100);
        assertThat(connection.bufferedBytes(0)).isEqualTo(1_000);
    }

    @Test
    void unreliableMessagesAFlushHasNoRoomForAreDroppedAndCounted() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("inputs", DeliveryMode.UNRELIABLE)
                .withMaxMessageBytes(500)).withPacketsPerFlush(1);
        MessagePair pair = new MessagePair(new SimulatedNetwork(6), config);
        for (int i = 0; i < 5; i++) {
            pair.a.connection.send(0, MessagePair.message(0, i, 400));
        }
        pair.step(0.01);
        pair.step(0.01);
        assertThat(pair.b.received.get(0)).containsExactly(MessagePair.message(0, 0, 400), MessagePair.message(0, 1, 400));
        assertThat(pair.a.connection.stats().channels().get(0).messagesDropped()).isEqualTo(3);
        assertThat(pair.a.connection.stats().messagesDropped()).isEqualTo(3);
        assertThat(pair.a.connection.bufferedBytes()).isZero();
    }

    @Test
    void staleSequencedMessagesAreDroppedAndCounted() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED));
        SimulatedNetwork network = new SimulatedNetwork(7).setLatencySeconds(0.05).setJitterSeconds(0.05);
        MessagePair pair = new MessagePair(network, config);
        int count = 500;
        for (int i = 0; i < count; i++) {
            pair.a.connection.send(0, MessagePair.message(0, i, 20));
            pair.step(0.002);
        }
        pair.runUntil(() -> false, 0.01, 50);
        List<byte[]> received = pair.b.received.get(0);
        int previous = -1;
        for (byte[] message : received) {
            int index = (message[0] & 0xFF) | (message[1] & 0xFF) << 8;
            assertThat(index).isGreaterThan(previous);
            previous = index;
        }
        long dropped = pair.b.connection.stats().channels().get(0).messagesDropped();
        assertThat(dropped).isPositive();
        assertThat(received.size() + dropped).isEqualTo(count);
    }

    @Test
    void aPeerThatSendsBeyondTheReceiveWindowOverflowsIt() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED)
                .withWindowMessages(8));
        MessagePair pair = new MessagePair(new SimulatedNetwork(8), config);
        // A peer with a larger window than ours: a correct one never sends past our window.
        MessageConfig larger = MessageConfig.of(ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED)
                .withWindowMessages(64));
        pair.a.connection = new MessageConnection(larger, 0,
                (buf, offset, length) -> pair.a.transport.send(pair.b.transport.localAddress(), buf, offset, length),
                (channel, buf, offset, length) -> { });
        // Lose the first message so the others cannot be delivered, then send past the window.
        pair.network.setFilter((from, to, buf, offset, length) -> !from.equals(pair.a.transport.localAddress()));
        pair.a.connection.send(0, new byte[] {0});
        pair.step(0.01);
        pair.network.setFilter(null);
        for (int i = 1; i < 20; i++) {
            pair.a.connection.send(0, new byte[] {(byte) i});
        }
        pair.runUntil(() -> pair.b.connection.isOverflowed(), 0.001, 20);
        assertThat(pair.b.connection.isOverflowed()).isTrue();
        assertThat(pair.b.connection.overflowChannel()).isZero();
        assertThat(pair.b.received.get(0)).isEmpty();
    }

    /** docs/messages.md: only a well-formed packet disconnects for an id beyond the window; a malformed one is refused. */
    @Test
    void aMalformedPacketIsRefusedWhateverIdsItHoldsAndAWellFormedOneOverflows() {
        MessageConfig config = MessageConfig.of(ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED)
                .withWindowMessages(8));
        List<byte[]> delivered = new ArrayList<>();
        MessageConnection receiver = new MessageConnection(config, 0, (buf, offset, length) -> { },
                (channel, buf, offset, length) -> delivered.add(Arrays.copyOfRange(buf, offset, offset + length)));
        ReliableEndpoint peer = new ReliableEndpoint(ReliableConfig.defaults(), 0,
                (sequence, datagram, offset, length) -> receiver.receivePayload(0, datagram, offset, length),
                (sequence, payload, offset, length) -> true);
        // Format 0; message entry on channel 0, id 100 (past the window of 8), 1 byte; then an entry of kind 3.
        byte[] malformed = {0x00, 0x00, 100, 0, 1, 7, (byte) 0xC0};
        peer.sendPacket(malformed, 0, malformed.length);
        assertThat(receiver.isOverflowed()).isFalse();
        assertThat(receiver.stats().packetsInvalid()).isOne();

        byte[] wellFormed = Arrays.copyOf(malformed, malformed.length - 1);
        peer.sendPacket(wellFormed, 0, wellFormed.length);
        assertThat(receiver.isOverflowed()).isTrue();
        assertThat(receiver.overflowChannel()).isZero();
        assertThat(receiver.stats().packetsInvalid()).isOne();
        assertThat(delivered).isEmpty();
    }
}
