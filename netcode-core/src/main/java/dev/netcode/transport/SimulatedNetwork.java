package dev.netcode.transport;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import dev.netcode.address.NetcodeAddress;

/**
 * An in-memory network whose latency, jitter, loss and duplication are under a test's control,
 * so that timeouts, retransmission, replay protection and reordering can be exercised without
 * sockets or wall-clock waits. With the default settings (no latency, jitter, loss or duplicates)
 * it is a perfect in-order pipe, which makes it the project's in-memory transport as well.
 *
 * <p>Time is whatever the caller says it is: {@link #update(double)} moves the network's clock,
 * sends are stamped with it, and an endpoint's {@link Transport#receive receive} hands over only
 * packets due by then. All randomness comes from one seeded generator, drawn in a fixed order per
 * send, so two networks with equal settings and seed that see equal send sequences deliver
 * identical streams (the reference's simulator determinism test); a failing randomised test can
 * therefore be replayed exactly.
 *
 * <p>A packet to an address with no endpoint at send time vanishes, as UDP to a closed port does.
 * Closing an endpoint frees its address and discards what was queued for it. The number of
 * packets in flight is bounded, so a test that floods the network drops packets rather than
 * exhausting the heap.
 *
 * <p>Methods are synchronised on the network, so endpoints may be driven from different threads,
 * but determinism then depends on those threads' interleaving. Handlers run without the lock held.
 */
public final class SimulatedNetwork {

    /** Seed of the no-argument constructor; fixed, so even casual tests are reproducible. */
    public static final long DEFAULT_SEED = 0x6E6574636F6465L;

    /** Default bound on packets in flight across the whole network. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 65_536;

    /** A duplicate arrives up to this much later than its original, as in the reference simulator. */
    public static final double DUPLICATE_MAX_EXTRA_DELAY_SECONDS = 1.0;

    /**
     * Longest datagram an endpoint delivers; longer ones are truncated to it, exactly as
     * {@link UdpTransport} truncates them, so oversize tests behave alike on both transports.
     */
    public static final int MAX_DATAGRAM_BYTES = UdpTransport.RECEIVE_BUFFER_BYTES;

    private static final int FIRST_EPHEMERAL_PORT = 49_152;
    private static final int LOWEST_EPHEMERAL_PORT = 1_024;
    private static final NetcodeAddress LOCALHOST_ANY_PORT = NetcodeAddress.parse("127.0.0.1:0");

    private final long seed;
    private final SplittableRandom random;
    private final int maxInFlight;
    private final Map<NetcodeAddress, Endpoint> endpoints = new HashMap<>();

    private double latencySeconds;
    private double jitterSeconds;
    private double packetLossPercent;
    private double duplicatePercent;
    private PacketFilter filter;

    private double time;
    private long nextSequence;
    private int inFlight;
    private int nextEphemeralPort = FIRST_EPHEMERAL_PORT;

    private long sent;
    private long delivered;
    private long lost;
    private long duplicated;
    private long filtered;
    private long discarded;

    /** A perfect network seeded with {@link #DEFAULT_SEED}. */
    public SimulatedNetwork() {
        this(DEFAULT_SEED);
    }

    /** A perfect network with the given seed; set latency, jitter, loss and duplicates as needed. */
    public SimulatedNetwork(long seed) {
        this(seed, DEFAULT_MAX_IN_FLIGHT);
    }

    /** As {@link #SimulatedNetwork(long)}, holding at most {@code maxInFlight} undelivered packets. */
    public SimulatedNetwork(long seed, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.maxInFlight = maxInFlight;
    }

    /** One-way delay of every packet. */
    public synchronized SimulatedNetwork setLatencySeconds(double seconds) {
        latencySeconds = requireNonNegative(seconds, "latency");
        return this;
    }

    /** Each packet's delay varies uniformly within ± this (never below zero), which reorders packets. */
    public synchronized SimulatedNetwork setJitterSeconds(double seconds) {
        jitterSeconds = requireNonNegative(seconds, "jitter");
        return this;
    }

    /** Chance, 0 to 100, that a packet is lost. */
    public synchronized SimulatedNetwork setPacketLossPercent(double percent) {
        packetLossPercent = requirePercent(percent, "packet loss");
        return this;
    }

    /** Chance, 0 to 100, that a delivered packet also arrives a second time, up to a second later. */
    public synchronized SimulatedNetwork setDuplicatePercent(double percent) {
        duplicatePercent = requirePercent(percent, "duplicate");
        return this;
    }

    /**
     * Lets a test drop chosen packets, for instance the server's first challenge, independently of
     * random loss; {@code null} removes the filter. It is consulted once per send, before the
     * destination is looked up and before any random draw.
     */
    public synchronized SimulatedNetwork setFilter(PacketFilter filter) {
        this.filter = filter;
        return this;
    }

    public synchronized double latencySeconds() {
        return latencySeconds;
    }

    public synchronized double jitterSeconds() {
        return jitterSeconds;
    }

    public synchronized double packetLossPercent() {
        return packetLossPercent;
    }

    public synchronized double duplicatePercent() {
        return duplicatePercent;
    }

    public long seed() {
        return seed;
    }

    /**
     * Moves the network's clock to {@code now} (seconds, any origin). The clock never runs
     * backwards: an earlier value is ignored, so several parties may report the same tick.
     */
    public synchronized void update(double now) {
        if (Double.isNaN(now)) {
            throw new IllegalArgumentException("time is NaN");
        }
        if (now > time) {
            time = now;
        }
    }

    /** The network's clock, as last set by {@link #update(double)}. */
    public synchronized double now() {
        return time;
    }

    /**
     * A transport bound to {@code address}. Port 0 picks an unused port, as a socket bind does, so
     * {@link Transport#localAddress()} is always a real, distinct address.
     *
     * @throws IllegalStateException if an open endpoint already has that address
     */
    public synchronized Transport endpoint(NetcodeAddress address) {
        Objects.requireNonNull(address, "address");
        NetcodeAddress bound = address.port() == 0 ? ephemeral(address) : address;
        if (endpoints.containsKey(bound)) {
            throw new IllegalStateException("address already in use on this simulated network: " + bound);
        }
        Endpoint endpoint = new Endpoint(bound);
        endpoints.put(bound, endpoint);
        return endpoint;
    }

    /** A transport on 127.0.0.1 with a port of its own; the address never touches a real network. */
    public Transport endpoint() {
        return endpoint(LOCALHOST_ANY_PORT);
    }

    private NetcodeAddress ephemeral(NetcodeAddress address) {
        int range = 0x10000 - LOWEST_EPHEMERAL_PORT;
        for (int attempt = 0; attempt < range; attempt++) {
            int port = nextEphemeralPort;
            nextEphemeralPort = port == 0xFFFF ? LOWEST_EPHEMERAL_PORT : port + 1;
            NetcodeAddress candidate = address.withPort(port);
            if (!endpoints.containsKey(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free port left for " + address + " on this simulated network");
    }

    /** Every send on an open endpoint, whatever became of it. */
    public synchronized long sent() {
        return sent;
    }

    /** Packets handed to a receiver, duplicates included. */
    public synchronized long delivered() {
        return delivered;
    }

    /** Sends dropped by the random packet loss. */
    public synchronized long lost() {
        return lost;
    }

    /** Extra copies queued by the random duplication. */
    public synchronized long duplicated() {
        return duplicated;
    }

    /** Sends dropped by the {@link PacketFilter}. */
    public synchronized long filtered() {
        return filtered;
    }

    /** Packets that had nowhere to go: no endpoint at the address, endpoint closed, or too many in flight. */
    public synchronized long discarded() {
        return discarded;
    }

    /** Packets queued and not yet delivered. */
    public synchronized int inFlight() {
        return inFlight;
    }

    private synchronized void send(Endpoint source, NetcodeAddress to, byte[] buf, int offset, int length) {
        if (source.closed) {
            return;
        }
        sent++;
        if (filter != null && !filter.deliver(source.address, to, buf, offset, length)) {
            filtered++;
            return;
        }
        Endpoint target = endpoints.get(to);
        if (target == null) {
            discarded++;
            return;
        }
        if (packetLossPercent > 0 && random.nextDouble() * 100 < packetLossPercent) {
            lost++;
            return;
        }
        double deliverAt = time + latencySeconds;
        if (jitterSeconds > 0) {
            deliverAt += (2 * random.nextDouble() - 1) * jitterSeconds;
        }
        deliverAt = Math.max(time, deliverAt);
        byte[] data = Arrays.copyOfRange(buf, offset, offset + Math.min(length, MAX_DATAGRAM_BYTES));
        enqueue(target, deliverAt, source.address, data);
        if (duplicatePercent > 0 && random.nextDouble() * 100 < duplicatePercent) {
            duplicated++;
            // A copy of its own: receivers may decrypt in place.
            enqueue(target, deliverAt + random.nextDouble() * DUPLICATE_MAX_EXTRA_DELAY_SECONDS, source.address, data.clone());
        }
    }

    private void enqueue(Endpoint target, double deliverAt, NetcodeAddress from, byte[] data) {
        if (inFlight >= maxInFlight) {
            discarded++;
            return;
        }
        target.queue.add(new Packet(deliverAt, nextSequence++, from, data));
        inFlight++;
    }

    /** The next packet due at {@code endpoint}, or {@code null}. */
    private synchronized Packet take(Endpoint endpoint) {
        if (endpoint.closed) {
            return null;
        }
        Packet packet = endpoint.queue.peek();
        if (packet == null || packet.deliverAt > time) {
            return null;
        }
        endpoint.queue.poll();
        inFlight--;
        delivered++;
        return packet;
    }

    private synchronized void close(Endpoint endpoint) {
        if (endpoint.closed) {
            return;
        }
        endpoint.closed = true;
        endpoints.remove(endpoint.address);
        inFlight -= endpoint.queue.size();
        discarded += endpoint.queue.size();
        endpoint.queue.clear();
    }

    private static double requireNonNegative(double seconds, String what) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(what + " must be a finite number of seconds >= 0, got " + seconds);
        }
        return seconds;
    }

    private static double requirePercent(double percent, String what) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException(what + " must be a percentage from 0 to 100, got " + percent);
        }
        return percent;
    }

    @Override
    public synchronized String toString() {
        return "SimulatedNetwork[seed=" + seed + ", latency=" + latencySeconds + "s, jitter=" + jitterSeconds + "s, loss="
                + packetLossPercent + "%, duplicates=" + duplicatePercent + "%, endpoints=" + endpoints.size()
                + ", inFlight=" + inFlight + "]";
    }

    /** Decides, at send time, whether a packet enters the network at all. */
    @FunctionalInterface
    public interface PacketFilter {

        /**
         * Returns {@code false} to drop the packet. The buffer is the sender's and only valid
         * during the call; the filter must not change it.
         */
        boolean deliver(NetcodeAddress from, NetcodeAddress to, byte[] buf, int offset, int length);
    }

    /** Ordered by delivery time, then by send order, so equal times keep the order they were sent in. */
    private record Packet(double deliverAt, long sequence, NetcodeAddress from, byte[] data) implements Comparable<Packet> {

        @Override
        public int compareTo(Packet other) {
            int byTime = Double.compare(deliverAt, other.deliverAt);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    /** One address on the network; its queue holds the packets on their way to it. */
    private final class Endpoint implements Transport {

        private final NetcodeAddress address;
        private final PriorityQueue<Packet> queue = new PriorityQueue<>();
        private boolean closed;

        Endpoint(NetcodeAddress address) {
            this.address = address;
        }

        @Override
        public NetcodeAddress localAddress() {
            return address;
        }

        @Override
        public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
            Objects.requireNonNull(to, "to");
            Objects.checkFromIndexSize(offset, length, buf.length);
            SimulatedNetwork.this.send(this, to, buf, offset, length);
        }

        @Override
        public int receive(DatagramHandler handler, int max) {
            int count = 0;
            while (count < max) {
                Packet packet = take(this);
                if (packet == null) {
                    break;
                }
                handler.onDatagram(packet.from, packet.data, 0, packet.data.length);
                count++;
            }
            return count;
        }

        @Override
        public void close() {
            SimulatedNetwork.this.close(this);
        }

        @Override
        public String toString() {
            return "SimulatedNetwork.Endpoint[" + address + "]";
        }
    }
}
