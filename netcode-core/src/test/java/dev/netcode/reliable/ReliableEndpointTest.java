package dev.netcode.reliable;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * What the C library's vectors do not show: a rejecting processor, the order of the reassembly
 * window's checks, the statistics on an explicit clock, configuration errors and allocation.
 */
class ReliableEndpointTest {

    private final List<byte[]> fromA = new ArrayList<>();
    private final List<byte[]> fromB = new ArrayList<>();
    private final List<Integer> deliveredToB = new ArrayList<>();
    private boolean bAccepts = true;

    private final ReliableEndpoint a = new ReliableEndpoint(ReliableConfig.defaults(), 0.0,
            (sequence, datagram, offset, length) -> fromA.add(Arrays.copyOfRange(datagram, offset, offset + length)),
            (sequence, payload, offset, length) -> true);
    private final ReliableEndpoint b = new ReliableEndpoint(ReliableConfig.defaults(), 0.0,
            (sequence, datagram, offset, length) -> fromB.add(Arrays.copyOfRange(datagram, offset, offset + length)),
            (sequence, payload, offset, length) -> {
                deliveredToB.add(sequence);
                return bAccepts;
            });

    private static void feed(List<byte[]> datagrams, ReliableEndpoint to) {
        datagrams.forEach(d -> to.receivePacket(d, 0, d.length));
        datagrams.clear();
    }

    private static PacketHeader header(byte[] datagram) {
        PacketHeader header = new PacketHeader();
        assertThat(header.read(datagram, 0, datagram.length)).isPositive();
        return header;
    }

    @Test
    void aPacketTheProcessorRejectsIsNeitherRecordedNorAckedAndItsAcksAreNotTaken() {
        a.sendPacket(new byte[10], 0, 10);
        feed(fromA, b);
        b.sendPacket(new byte[10], 0, 10);
        feed(fromB, a);
        a.clearAcks();
        a.sendPacket(new byte[10], 0, 10);
        byte[] second = fromA.get(0);
        assertThat(header(second).ackBits()).as("A's packet 1 acks B's packet 0").isEqualTo(1);

        bAccepts = false;
        feed(fromA, b);
        assertThat(deliveredToB).containsExactly(0, 1);
        assertThat(b.ackCount()).as("B took no ack from the packet it rejected").isZero();
        assertThat(b.counter(ReliableCounter.PACKETS_ACKED)).isZero();
        b.sendPacket(new byte[1], 0, 1);
        PacketHeader reply = header(fromB.get(0));
        fromB.clear();
        assertThat(reply.ack()).as("the newest packet B recorded").isZero();
        assertThat(reply.ackBits()).isEqualTo(1);

        bAccepts = true;
        b.receivePacket(second, 0, second.length);
        assertThat(deliveredToB).as("not a duplicate: it was never recorded").containsExactly(0, 1, 1);
        assertThat(b.counter(ReliableCounter.PACKETS_DUPLICATE)).isZero();
        assertThat(b.ackCount()).isEqualTo(1);
        assertThat(b.ack(0)).isZero();
    }

    @Test
    void aFragmentFarAheadStartsAReassemblyBecauseTheWindowMovesBeforeTheStaleCheck() {
        // On a fresh endpoint the reassembly window ends before 0. Sequences 32704..32767 are both
        // "newer than the newest" and "older than newest - 64" in 16-bit order; the C library moves
        // the window first, so such a fragment is accepted (a regular packet there is stale).
        byte[] fragment = new byte[FragmentHeader.BYTES + 3];
        FragmentHeader.write(fragment, 0, 32750, 1, 2);
        b.receivePacket(fragment, 0, fragment.length);
        assertThat(b.counter(ReliableCounter.FRAGMENTS_RECEIVED)).isEqualTo(1);
        assertThat(b.counter(ReliableCounter.FRAGMENTS_INVALID)).isZero();
        b.sendPacket(new byte[1], 0, 1);
        assertThat(header(fromB.get(0)).ack()).as("the first fragment moved the received window").isEqualTo(32750);
        assertThat(header(fromB.get(0)).ackBits()).isZero();

        byte[] regular = new byte[PacketHeader.MAX_BYTES + 1];
        int length = PacketHeader.write(regular, 0, 32750, 0, 0) + 1;
        ReliableEndpoint fresh = new ReliableEndpoint(ReliableConfig.defaults(), 0.0, (s, d, o, l) -> { }, (s, p, o, l) -> true);
        fresh.receivePacket(regular, 0, length);
        assertThat(fresh.counter(ReliableCounter.PACKETS_STALE)).isEqualTo(1);
    }

    @Test
    void rttIsTheFirstSampleThenSmoothedAndLossAndBandwidthFollowTheOlderHalfOfTheWindow() {
        a.sendPacket(new byte[100], 0, 100);
        feed(fromA, b);
        a.update(0.1);
        b.update(0.1);
        b.sendPacket(new byte[100], 0, 100);
        feed(fromB, a);
        assertThat(a.ackCount()).isEqualTo(1);
        assertThat(a.rttMillis()).isCloseTo(100.0, within(0.001));

        a.update(0.2);
        a.sendPacket(new byte[100], 0, 100);
        feed(fromA, b);
        a.update(0.5);
        b.update(0.5);
        b.sendPacket(new byte[100], 0, 100);
        feed(fromB, a);
        // 300 ms sample, smoothing factor 0.0025
        assertThat(a.rttMillis()).isCloseTo(100.0 + 200.0 * 0.0025, within(0.001));

        // Unacked packets 10 ms apart; the samples are sequences next - 256 .. next - 129, so the
        // first update that sees one is at next = 129. Bandwidth unsmoothed (factor 1) to read the sample.
        ReliableConfig config = new ReliableConfig(16384, 1024, 16, 1024, 256, 256, 256, 64, 0.0025, 512, 0.1, 1.0, 28);
        ReliableEndpoint sender = new ReliableEndpoint(config, 0.0, (s, d, o, l) -> { }, (s, p, o, l) -> true);
        for (int i = 0; i < 129; i++) {
            sender.update(i * 0.01);
            assertThat(sender.packetLossPercent()).isZero();
            sender.sendPacket(new byte[72], 0, 72);
        }
        sender.update(1.29);
        assertThat(sender.packetLossPercent()).as("first loss sample 100 %, smoothed by 0.1").isCloseTo(10.0, within(0.0001));
        sender.update(1.29);
        assertThat(sender.packetLossPercent()).isCloseTo(10.0 + 90.0 * 0.1, within(0.0001));
        for (int i = 129; i < 300; i++) {
            sender.update(i * 0.01);
            sender.sendPacket(new byte[72], 0, 72);
        }
        sender.update(3.0);
        // sequences 44..171: 128 packets of 72 + 28 bytes sent from 0.44 s to 1.71 s
        assertThat(sender.sentBandwidthKbps()).isCloseTo(128 * 100 / 1.27 * 8 / 1000, within(0.001));
        assertThat(sender.ackedBandwidthKbps()).isZero();
        assertThat(sender.receivedBandwidthKbps()).isZero();
    }

    @Test
    void aFullAckBufferDropsFurtherAcksAndLeavesThosePacketsUnacked() {
        ReliableConfig small = new ReliableConfig(16384, 1024, 16, 1024, 2, 256, 256, 64, 0.0025, 512, 0.1, 0.1, 28);
        ReliableEndpoint sender = new ReliableEndpoint(small, 0.0,
                (sequence, datagram, offset, length) -> fromA.add(Arrays.copyOfRange(datagram, offset, offset + length)),
                (sequence, payload, offset, length) -> true);
        for (int i = 0; i < 3; i++) {
            sender.sendPacket(new byte[1], 0, 1);
        }
        feed(fromA, b);
        b.sendPacket(new byte[1], 0, 1);
        List<byte[]> reply = new ArrayList<>(fromB);
        feed(fromB, sender);
        assertThat(sender.ackCount()).isEqualTo(2);
        assertThat(List.of(sender.ack(0), sender.ack(1))).containsExactly(2, 1);
        sender.clearAcks();
        fromB.addAll(reply);
        b.sendPacket(new byte[1], 0, 1);
        feed(fromB, sender);
        assertThat(sender.ackCount()).as("packet 0 is acked by B's next header").isEqualTo(1);
        assertThat(sender.ack(0)).isZero();
        assertThat(sender.counter(ReliableCounter.PACKETS_ACKED)).isEqualTo(3);
    }

    @Test
    void aTooLargePayloadIsNotSentAndUsesNoSequence() {
        assertThat(a.sendPacket(new byte[16385], 0, 16385)).isFalse();
        assertThat(fromA).isEmpty();
        assertThat(a.nextPacketSequence()).isZero();
        assertThat(a.counter(ReliableCounter.PACKETS_TOO_LARGE_TO_SEND)).isEqualTo(1);
        assertThat(a.sendPacket(new byte[0], 0, 0)).as("a header-only packet").isTrue();
        feed(fromA, b);
        assertThat(deliveredToB).containsExactly(0);
    }

    @Test
    void anEmptyDatagramIsAnInvalidPacket() {
        b.receivePacket(new byte[0], 0, 0);
        assertThat(b.counter(ReliableCounter.PACKETS_RECEIVED)).isEqualTo(1);
        assertThat(b.counter(ReliableCounter.PACKETS_INVALID)).isEqualTo(1);
    }

    @Test
    void resetStartsOverLikeANewEndpoint() {
        a.sendPacket(new byte[2000], 0, 2000);
        feed(fromA, b);
        b.reset();
        a.reset();
        assertThat(b.counter(ReliableCounter.PACKETS_RECEIVED)).isZero();
        assertThat(a.nextPacketSequence()).isZero();
        b.sendPacket(new byte[1], 0, 1);
        PacketHeader header = header(fromB.get(0));
        assertThat(header.sequence()).isZero();
        assertThat(header.ack()).isEqualTo(0xFFFF);
        assertThat(header.ackBits()).isZero();
        fromB.clear();
        a.sendPacket(new byte[2000], 0, 2000);
        feed(fromA, b);
        assertThat(deliveredToB).containsExactly(0, 0);
    }

    @Test
    void badConfigurationNamesTheField() {
        assertThatIllegalArgumentException().isThrownBy(
                () -> new ReliableConfig(16384, 1024, 300, 1024, 256, 256, 256, 64, 0.0025, 512, 0.1, 0.1, 28))
                .withMessageContaining("maxFragments");
        assertThatIllegalArgumentException().isThrownBy(
                () -> new ReliableConfig(16384, 1024, 8, 1024, 256, 256, 256, 64, 0.0025, 512, 0.1, 0.1, 28))
                .withMessageContaining("maxFragments * fragmentSize");
        assertThatIllegalArgumentException().isThrownBy(
                () -> new ReliableConfig(16384, 1024, 16, 1024, 256, 200, 256, 64, 0.0025, 512, 0.1, 0.1, 28))
                .withMessageContaining("sentPacketsBufferSize");
        assertThatIllegalArgumentException().isThrownBy(
                () -> new ReliableConfig(16384, 1024, 16, 1024, 256, 256, 16, 64, 0.0025, 512, 0.1, 0.1, 28))
                .withMessageContaining("receivedPacketsBufferSize");
        assertThatIllegalArgumentException().isThrownBy(
                () -> new ReliableConfig(16384, 1024, 16, 1024, 256, 256, 256, 64, 0.0, 512, 0.1, 0.1, 28))
                .withMessageContaining("rttSmoothingFactor");
        assertThatIllegalArgumentException().isThrownBy(
                () -> new ReliableConfig(16384, 1024, 16, 1024, 0, 256, 256, 64, 0.0025, 512, 0.1, 0.1, 28))
                .withMessageContaining("ackBufferSize");
    }

    @Test
    void sendingAndReceivingAllocateNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ReliableEndpoint[] peer = new ReliableEndpoint[2];
        int[] delivered = new int[1];
        peer[0] = new ReliableEndpoint(ReliableConfig.defaults(), 0.0,
                (sequence, datagram, offset, length) -> peer[1].receivePacket(datagram, offset, length),
                (sequence, payload, offset, length) -> true);
        peer[1] = new ReliableEndpoint(ReliableConfig.defaults(), 0.0,
                (sequence, datagram, offset, length) -> peer[0].receivePacket(datagram, offset, length),
                (sequence, payload, offset, length) -> ++delivered[0] > 0);
        byte[] payload = new byte[5000];
        int[] sizes = {1, 100, 1024, 1025, 5000};
        long allocated = 0;
        for (int round = 0; round < 2; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                peer[0].update(i * 0.001);
                peer[1].update(i * 0.001);
                peer[i & 1].sendPacket(payload, 0, sizes[i % sizes.length]);
                peer[0].clearAcks();
                peer[1].clearAcks();
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(delivered[0]).isEqualTo(20_000);
        assertThat(peer[0].counter(ReliableCounter.PACKETS_ACKED)).isGreaterThan(19_000);
        // The first round allocated the reassembly buffers; a copy per packet would be megabytes.
        assertThat(allocated).as("bytes allocated by 20,000 warmed-up packets").isLessThan(20_000);
    }
}
