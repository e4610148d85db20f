package dev.netcode.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link SimulatedNetwork}. */
class SimulatedNetworkTest {

    private static final int PACKETS = 10_000;

    @Test
    void withDefaultSettingsItIsAPerfectInOrderPipe() {
        SimulatedNetwork network = new SimulatedNetwork();
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        assertThat(a.localAddress()).isNotEqualTo(b.localAddress());
        assertThat(a.localAddress().port()).isNotZero();

        byte[] buf = new byte[8];
        for (int i = 0; i < 1_000; i++) {
            buf[0] = (byte) i;
            buf[1] = (byte) (i >> 8);
            a.send(b.localAddress(), buf, 0, 2 + i % 6);
        }
        List<Delivery> received = drain(b, network.now());
        assertThat(received).hasSize(1_000);
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i).from()).isEqualTo(a.localAddress());
            assertThat(sequenceOf(received.get(i).data())).isEqualTo(i);
            assertThat(received.get(i).data()).hasSize(2 + i % 6);
        }
        assertThat(network.sent()).isEqualTo(1_000);
        assertThat(network.delivered()).isEqualTo(1_000);
        assertThat(network.lost() + network.duplicated() + network.filtered() + network.discarded()).isZero();
        assertThat(network.inFlight()).isZero();
    }

    @Test
    void nothingArrivesBeforeTheLatencyHasPassed() {
        SimulatedNetwork network = new SimulatedNetwork().setLatencySeconds(0.25);
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        network.update(10.0);
        a.send(b.localAddress(), new byte[] {42}, 0, 1);

        network.update(10.2499);
        assertThat(drain(b, network.now())).isEmpty();
        network.update(10.25);
        assertThat(drain(b, network.now())).hasSize(1);
    }

    @Test
    void jitterSpreadsDelaysAroundTheLatencyAndReordersPackets() {
        SimulatedNetwork network = new SimulatedNetwork(7).setLatencySeconds(0.1).setJitterSeconds(0.05);
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        byte[] buf = new byte[2];
        for (int i = 0; i < 1_000; i++) {
            buf[0] = (byte) i;
            buf[1] = (byte) (i >> 8);
            a.send(b.localAddress(), buf, 0, 2);
        }
        List<Delivery> received = new ArrayList<>();
        for (int ms = 0; ms <= 200; ms++) {
            network.update(ms / 1000.0);
            received.addAll(drain(b, network.now()));
        }
        assertThat(received).hasSize(1_000);
        assertThat(received).allSatisfy(d -> assertThat(d.time()).isBetween(0.05, 0.151));
        List<Integer> order = received.stream().map(d -> sequenceOf(d.data())).toList();
        assertThat(order).doesNotHaveDuplicates().isNotEqualTo(order.stream().sorted().toList());
    }

    @Test
    void packetLossDropsAboutTheConfiguredShare() {
        SimulatedNetwork network = new SimulatedNetwork(1).setPacketLossPercent(10);
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        for (int i = 0; i < PACKETS; i++) {
            a.send(b.localAddress(), new byte[] {1}, 0, 1);
        }
        int received = drain(b, network.now()).size();
        assertThat(network.lost()).isBetween(850L, 1_150L);
        assertThat(received).isEqualTo(PACKETS - network.lost());
        assertThat(network.delivered()).isEqualTo(received);
    }

    @Test
    void duplicatesArriveAboutAsOftenAsConfiguredAndWithinASecond() {
        SimulatedNetwork network = new SimulatedNetwork(2).setDuplicatePercent(5);
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        for (int i = 0; i < PACKETS; i++) {
            a.send(b.localAddress(), new byte[] {1}, 0, 1);
        }
        assertThat(network.duplicated()).isBetween(400L, 600L);
        assertThat(drain(b, network.now())).hasSizeGreaterThanOrEqualTo(PACKETS);
        network.update(SimulatedNetwork.DUPLICATE_MAX_EXTRA_DELAY_SECONDS);
        drain(b, network.now());
        assertThat(network.delivered()).isEqualTo(PACKETS + network.duplicated());
        assertThat(network.inFlight()).isZero();
    }

    @Test
    void equalSettingsSeedAndSendsDeliverIdenticalStreams() {
        List<Delivery> first = simulateConversation(12345);
        List<Delivery> second = simulateConversation(12345);
        assertThat(first).hasSizeGreaterThan(1_000);
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).time()).isEqualTo(first.get(i).time());
            assertThat(second.get(i).to()).isEqualTo(first.get(i).to());
            assertThat(second.get(i).from()).isEqualTo(first.get(i).from());
            assertThat(second.get(i).data()).isEqualTo(first.get(i).data());
        }
        assertThat(simulateConversation(54321)).isNotEqualTo(first);
    }

    @Test
    void filterDropsChosenPacketsBeforeTheyEnterTheNetwork() {
        SimulatedNetwork network = new SimulatedNetwork();
        Transport server = network.endpoint();
        Transport client = network.endpoint();
        AtomicInteger fromServer = new AtomicInteger();
        network.setFilter((from, to, buf, offset, length) -> {
            if (from.equals(server.localAddress())) {
                return fromServer.incrementAndGet() > 3;
            }
            // Drop packet type 3 (connection response) on its way to the server.
            return !(to.equals(server.localAddress()) && (buf[offset] & 0x0F) == 3);
        });

        for (int i = 0; i < 5; i++) {
            server.send(client.localAddress(), new byte[] {(byte) i}, 0, 1);
        }
        byte[] packets = {0x10, 0x03, 0x13, 0x04, (byte) 0xF3};
        for (int i = 0; i < packets.length; i++) {
            client.send(server.localAddress(), packets, i, 1);
        }

        assertThat(drain(client, 0).stream().map(d -> (int) d.data()[0]).toList()).containsExactly(3, 4);
        assertThat(drain(server, 0).stream().map(d -> d.data()[0] & 0xFF).toList()).containsExactly(0x10, 0x04);
        assertThat(network.filtered()).isEqualTo(6);

        network.setFilter(null);
        server.send(client.localAddress(), new byte[] {9}, 0, 1);
        assertThat(drain(client, 0)).hasSize(1);
    }

    @Test
    void packetsForAddressesWithoutEndpointVanish() {
        SimulatedNetwork network = new SimulatedNetwork().setLatencySeconds(0.1);
        Transport a = network.endpoint();
        NetcodeAddress nowhere = NetcodeAddress.parse("127.0.0.1:40000");
        a.send(nowhere, new byte[] {1}, 0, 1);
        assertThat(network.discarded()).isEqualTo(1);
        assertThat(network.inFlight()).isZero();

        Transport late = network.endpoint(nowhere);
        network.update(1.0);
        assertThat(drain(late, network.now())).isEmpty();
        assertThat(drain(a, network.now())).isEmpty();
    }

    @Test
    void closingAnEndpointFreesItsAddressAndDropsItsQueue() {
        SimulatedNetwork network = new SimulatedNetwork().setLatencySeconds(0.1);
        NetcodeAddress address = NetcodeAddress.parse("[::1]:40000");
        Transport server = network.endpoint(address);
        Transport client = network.endpoint();
        assertThatThrownBy(() -> network.endpoint(address)).isInstanceOf(IllegalStateException.class).hasMessageContaining("[::1]:40000");

        client.send(address, new byte[] {1}, 0, 1);
        assertThat(network.inFlight()).isEqualTo(1);
        server.close();
        server.close();
        assertThat(network.inFlight()).isZero();
        assertThatCode(() -> server.send(client.localAddress(), new byte[] {1}, 0, 1)).doesNotThrowAnyException();
        network.update(1.0);
        assertThat(drain(server, network.now())).isEmpty();
        assertThat(drain(client, network.now())).isEmpty();

        Transport again = network.endpoint(address);
        client.send(address, new byte[] {2}, 0, 1);
        network.update(1.1);
        assertThat(drain(again, network.now())).hasSize(1);
    }

    @Test
    void inFlightPacketsAreBounded() {
        SimulatedNetwork network = new SimulatedNetwork(3, 10).setLatencySeconds(1);
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        for (int i = 0; i < 25; i++) {
            a.send(b.localAddress(), new byte[] {1}, 0, 1);
        }
        assertThat(network.inFlight()).isEqualTo(10);
        assertThat(network.discarded()).isEqualTo(15);
        network.update(1);
        assertThat(drain(b, network.now())).hasSize(10);
    }

    @Test
    void oversizedDatagramsAreTruncatedLikeUdp() {
        SimulatedNetwork network = new SimulatedNetwork();
        Transport a = network.endpoint();
        Transport b = network.endpoint();
        a.send(b.localAddress(), new byte[1400], 0, 1400);
        a.send(b.localAddress(), new byte[3000], 0, 3000);
        assertThat(drain(b, 0).stream().map(d -> d.data().length).toList())
                .containsExactly(1400, SimulatedNetwork.MAX_DATAGRAM_BYTES);
    }

    @Test
    void theClockNeverRunsBackwardsAndSettingsAreValidated() {
        SimulatedNetwork network = new SimulatedNetwork();
        network.update(5);
        network.update(4);
        assertThat(network.now()).isEqualTo(5.0);
        assertThatThrownBy(() -> network.setPacketLossPercent(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.setLatencySeconds(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.setJitterSeconds(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Two endpoints talk over a lossy, jittery, duplicating network for 20 simulated seconds at
     * 100 Hz; returns everything delivered, in delivery order.
     */
    private static List<Delivery> simulateConversation(long seed) {
        SimulatedNetwork network = new SimulatedNetwork(seed)
                .setLatencySeconds(0.05)
                .setJitterSeconds(0.03)
                .setPacketLossPercent(10)
                .setDuplicatePercent(10);
        Transport a = network.endpoint(NetcodeAddress.parse("10.0.0.1:50000"));
        Transport b = network.endpoint(NetcodeAddress.parse("[fd00::2]:50000"));
        List<Delivery> stream = new ArrayList<>();
        byte[] buf = new byte[4];
        for (int tick = 0; tick < 2_000; tick++) {
            network.update(tick * 0.01);
            buf[0] = (byte) tick;
            buf[1] = (byte) (tick >> 8);
            buf[2] = 'a';
            a.send(b.localAddress(), buf, 0, 3);
            buf[2] = 'b';
            b.send(a.localAddress(), buf, 0, 3 + tick % 2);
            stream.addAll(drain(b, network.now()));
            stream.addAll(drain(a, network.now()));
        }
        return stream;
    }

    private static List<Delivery> drain(Transport transport, double now) {
        List<Delivery> received = new ArrayList<>();
        transport.receive((from, buf, offset, length) ->
                received.add(new Delivery(now, from, transport.localAddress(), Arrays.copyOfRange(buf, offset, offset + length))),
                Integer.MAX_VALUE);
        return received;
    }

    private static int sequenceOf(byte[] data) {
        return (data[0] & 0xFF) | (data[1] & 0xFF) << 8;
    }

    private record Delivery(double time, NetcodeAddress from, NetcodeAddress to, byte[] data) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Delivery that && Double.compare(time, that.time) == 0 && from.equals(that.from)
                    && to.equals(that.to) && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Double.hashCode(time) + 31 * (from.hashCode() + 31 * (to.hashCode() + 31 * Arrays.hashCode(data)));
        }
    }
}
