package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.fuzz.FuzzFixtures.Datagram;
import dev.netcode.reliable.FragmentHeader;
import dev.netcode.reliable.PacketHeader;
import dev.netcode.reliable.ReliableConfig;
import dev.netcode.reliable.ReliableCounter;
import dev.netcode.reliable.ReliableEndpoint;

/**
 * Fuzzes {@link ReliableEndpoint#receivePacket}, the whole receive side of the {@code reliable}
 * layer (regular packets, fragments, reassembly, acks), on one endpoint with the default config
 * that is also sending.
 *
 * <p>Input: a config byte (bit 0: the processor rejects payloads whose length is 4 mod 5; bits
 * 1-2: the endpoint first sends {@code 40 * bits} packets, so acks find packets to ack), then up to
 * 16 framed datagrams ({@link FuzzFixtures#datagrams}). A datagram's header byte: bit 0 delivers it
 * inside a larger buffer at an offset; bit 1 first makes the endpoint send a packet of
 * {@code 1 + 300 * (bits 4-7)} bytes (fragmented above 1024); bit 2 first moves the clock 50 ms on
 * and updates; bit 3 pads the datagram with zeros to 16,399 bytes (one more than a receiver takes).
 *
 * <p>Checks after every datagram: nothing threw; the counters account for it exactly once: a
 * datagram too long is counted as that alone; a regular-shaped one counts as received and then as
 * exactly one of invalid, too large, stale, duplicate or processed; a fragment counts as invalid or
 * as a received fragment (which, when it completes a packet, is then counted like a regular
 * packet), or moves no counter only when it is a well-formed fragment of a packet already delivered
 * or a repeat of a fragment already taken. Acks are only of sequences the endpoint sent, each at
 * most once, and only from a packet the processor accepted; delivered payloads are within the
 * limit; every datagram the endpoint sends reads back with the format's readers; the statistics are
 * finite and loss is a percentage.
 */
class ReliableEndpointFuzzTest {

    private static final int TOO_LONG = 16_384 + PacketHeader.MAX_BYTES + FragmentHeader.BYTES + 1;
    private static final ReliableCounter[] OUTCOMES = {ReliableCounter.PACKETS_INVALID,
            ReliableCounter.PACKETS_TOO_LARGE_TO_RECEIVE, ReliableCounter.PACKETS_STALE, ReliableCounter.PACKETS_DUPLICATE};

    private final PacketHeader sentHeader = new PacketHeader();
    private final FragmentHeader sentFragment = new FragmentHeader();
    private final FragmentHeader fragment = new FragmentHeader();
    private final Set<Integer> delivered = new HashSet<>();
    private final Set<Integer> takenFragments = new HashSet<>();
    private final Set<Integer> acked = new HashSet<>();
    private int processed;
    private int accepted;
    private int sent;
    private boolean rejectSome;

    @FuzzTest
    void receivePacket(byte[] data) {
        if (data.length == 0) {
            return;
        }
        // Jazzer calls one instance for every input: start each from nothing.
        delivered.clear();
        takenFragments.clear();
        acked.clear();
        processed = 0;
        accepted = 0;
        sent = 0;
        int config = data[0] & 0xFF;
        rejectSome = (config & 1) != 0;
        ReliableEndpoint endpoint = new ReliableEndpoint(ReliableConfig.defaults(), 0.0, this::checkSent, this::process);
        byte[] payload = new byte[1 + 300 * 15];
        for (int i = 0; i < 40 * ((config >>> 1) & 3); i++) {
            send(endpoint, payload, 1 + (i * 97) % 1500);
        }
        double time = 0.0;
        for (Datagram record : FuzzFixtures.datagrams(data, 1)) {
            int header = record.header();
            if ((header & 2) != 0) {
                send(endpoint, payload, 1 + 300 * (header >>> 4));
            }
            if ((header & 4) != 0) {
                time += 0.05;
                endpoint.update(time);
            }
            byte[] datagram = (header & 8) != 0 ? Arrays.copyOf(record.bytes(), TOO_LONG) : record.bytes();
            receive(endpoint, datagram, (header & 1) != 0);
        }
        assertThat(endpoint.rttMillis()).isFinite().isGreaterThanOrEqualTo(0.0);
        assertThat(endpoint.packetLossPercent()).isBetween(0.0, 100.0);
        assertThat(endpoint.sentBandwidthKbps()).isFinite().isGreaterThanOrEqualTo(0.0);
        assertThat(endpoint.receivedBandwidthKbps()).isFinite().isGreaterThanOrEqualTo(0.0);
        assertThat(endpoint.ackedBandwidthKbps()).isFinite().isGreaterThanOrEqualTo(0.0);
    }

    private void send(ReliableEndpoint endpoint, byte[] payload, int length) {
        assertThat(endpoint.sendPacket(payload, 0, length)).isTrue();
        sent++;
    }

    private void receive(ReliableEndpoint endpoint, byte[] datagram, boolean atOffset) {
        Map<ReliableCounter, Long> before = counters(endpoint);
        int processedBefore = processed;
        int acceptedBefore = accepted;
        int length = datagram.length;
        if (atOffset) {
            byte[] big = new byte[length + 13];
            Arrays.fill(big, (byte) 0x5A);
            System.arraycopy(datagram, 0, big, 5, length);
            endpoint.receivePacket(big, 5, length);
        }
        else {
            endpoint.receivePacket(datagram.clone(), 0, length);
        }
        Map<ReliableCounter, Long> delta = new EnumMap<>(ReliableCounter.class);
        counters(endpoint).forEach((counter, value) -> delta.put(counter, value - before.get(counter)));
        int processedNow = processed - processedBefore;
        int acceptedNow = accepted - acceptedBefore;

        assertThat(delta.get(ReliableCounter.PACKETS_SENT)).isZero();
        assertThat(delta.get(ReliableCounter.FRAGMENTS_SENT)).isZero();
        assertThat(delta.get(ReliableCounter.PACKETS_TOO_LARGE_TO_SEND)).isZero();
        long ackedNow = delta.get(ReliableCounter.PACKETS_ACKED);
        assertThat(ackedNow).as("acks from a packet not accepted").isEqualTo(acceptedNow == 0 ? 0 : ackedNow).isBetween(0L, 32L);
        assertThat(endpoint.ackCount()).isEqualTo((int) ackedNow);
        for (int i = 0; i < endpoint.ackCount(); i++) {
            int ack = endpoint.ack(i);
            assertThat(ack).as("acked a sequence never sent").isLessThan(sent);
            assertThat(acked.add(ack)).as("acked %d twice", ack).isTrue();
        }
        endpoint.clearAcks();

        if (length > TOO_LONG - 1) {
            assertThat(only(delta, ReliableCounter.PACKETS_TOO_LARGE_TO_RECEIVE)).isTrue();
            assertThat(processedNow).isZero();
            return;
        }
        if (length == 0 || (datagram[0] & 1) == 0) {
            assertThat(delta.get(ReliableCounter.PACKETS_RECEIVED)).isEqualTo(1);
            assertExactlyOneOutcome(delta, processedNow);
            assertThat(delta.get(ReliableCounter.FRAGMENTS_RECEIVED) + delta.get(ReliableCounter.FRAGMENTS_INVALID)).isZero();
            return;
        }
        if (delta.get(ReliableCounter.FRAGMENTS_INVALID) == 1) {
            assertThat(only(delta, ReliableCounter.FRAGMENTS_INVALID)).isTrue();
            assertThat(processedNow).isZero();
            return;
        }
        assertThat(fragment.read(datagram, 0, length, 16, 1024)).as("a fragment that does not read was not counted invalid")
                .isPositive();
        int key = fragment.sequence() << 8 | fragment.fragmentId();
        if (delta.get(ReliableCounter.FRAGMENTS_RECEIVED) == 1) {
            takenFragments.add(key);
            if (delta.get(ReliableCounter.PACKETS_RECEIVED) == 1) {
                assertExactlyOneOutcome(delta, processedNow);
            }
            else {
                assertThat(processedNow).isZero();
                assertThat(delta.values().stream().mapToLong(Long::longValue).sum()).as("counters moved by an incomplete fragment: %s", delta)
                        .isEqualTo(1);
            }
            return;
        }
        assertThat(delta.values().stream().allMatch(d -> d == 0)).as("a fragment moved %s", delta).isTrue();
        assertThat(processedNow).isZero();
        assertThat(delivered.contains(fragment.sequence()) || takenFragments.contains(key))
                .as("fragment %d of %d dropped silently without having been delivered or taken before", fragment.fragmentId(),
                        fragment.sequence()).isTrue();
    }

    private static void assertExactlyOneOutcome(Map<ReliableCounter, Long> delta, int processedNow) {
        long outcomes = processedNow;
        for (ReliableCounter outcome : OUTCOMES) {
            outcomes += delta.get(outcome);
        }
        assertThat(outcomes).as("outcomes of one regular packet: %s, processed %d", delta, processedNow).isEqualTo(1);
    }

    private static boolean only(Map<ReliableCounter, Long> delta, ReliableCounter counter) {
        return delta.entrySet().stream().allMatch(e -> e.getValue() == (e.getKey() == counter ? 1 : 0));
    }

    private static Map<ReliableCounter, Long> counters(ReliableEndpoint endpoint) {
        Map<ReliableCounter, Long> out = new EnumMap<>(ReliableCounter.class);
        for (ReliableCounter counter : ReliableCounter.values()) {
            out.put(counter, endpoint.counter(counter));
        }
        return out;
    }

    private boolean process(int sequence, byte[] payload, int offset, int length) {
        processed++;
        assertThat(length).isBetween(0, 16_384);
        assertThat(offset + length).isLessThanOrEqualTo(payload.length);
        if (rejectSome && length % 5 == 4) {
            return false;
        }
        accepted++;
        delivered.add(sequence);
        return true;
    }

    private void checkSent(int sequence, byte[] datagram, int offset, int length) {
        if ((datagram[offset] & 1) == 0) {
            assertThat(sentHeader.read(datagram, offset, length)).isPositive();
            assertThat(sentHeader.sequence()).isEqualTo(sequence);
        }
        else {
            assertThat(sentFragment.read(datagram, offset, length, 16, 1024)).isEqualTo(FragmentHeader.BYTES);
            assertThat(sentFragment.sequence()).isEqualTo(sequence);
        }
    }
}
