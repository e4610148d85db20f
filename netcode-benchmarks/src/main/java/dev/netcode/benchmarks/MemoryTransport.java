package dev.netcode.benchmarks;

import java.util.ArrayDeque;
import java.util.Arrays;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.Transport;

/**
 * The trivial in-memory {@link Transport} the benchmarks run the server and client on.
 *
 * <p>While two transports are {@linkplain #link linked} (during set-up, for the handshake) a send
 * queues a copy of the datagram for the peer. Unlinked, sends are counted and dropped, so the send
 * path is measured without a socket. {@link #feed} hands the next {@link #receive} a batch of
 * prepared datagrams, each copied into one receive buffer first, as {@code UdpTransport} copies
 * out of its direct buffer; the batch is consumed by that one call and allocates nothing.
 */
final class MemoryTransport implements Transport {

    private final NetcodeAddress localAddress;
    private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
    private final byte[] receiveBuffer = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private MemoryTransport peer;
    private NetcodeAddress batchSource;
    private byte[][] batch;
    private int[] batchLengths;
    private int batchCount;
    long sent;
    int lastSentLength;

    MemoryTransport(NetcodeAddress localAddress) {
        this.localAddress = localAddress;
    }

    /** Connects two transports both ways, for the handshake. */
    static void link(MemoryTransport a, MemoryTransport b) {
        a.peer = b;
        b.peer = a;
    }

    /** Cuts the link both ways and forgets what is queued: from now on sends are dropped. */
    void unlink() {
        if (peer != null) {
            peer.peer = null;
            peer.inbox.clear();
        }
        peer = null;
        inbox.clear();
    }

    /** The next {@link #receive} delivers {@code datagrams[0, count)} from {@code source}. */
    void feed(NetcodeAddress source, byte[][] datagrams, int[] lengths, int count) {
        batchSource = source;
        batch = datagrams;
        batchLengths = lengths;
        batchCount = count;
    }

    @Override
    public NetcodeAddress localAddress() {
        return localAddress;
    }

    @Override
    public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
        sent++;
        lastSentLength = length;
        if (peer != null) {
            peer.inbox.add(Arrays.copyOfRange(buf, offset, offset + length));
        }
    }

    @Override
    public int receive(DatagramHandler handler, int max) {
        int count = 0;
        while (count < max && !inbox.isEmpty()) {
            byte[] datagram = inbox.poll();
            handler.onDatagram(peer == null ? localAddress : peer.localAddress, datagram, 0, datagram.length);
            count++;
        }
        for (int i = 0; i < batchCount && count < max; i++, count++) {
            int length = batchLengths[i];
            System.arraycopy(batch[i], 0, receiveBuffer, 0, length);
            handler.onDatagram(batchSource, receiveBuffer, 0, length);
        }
        batchCount = 0;
        return count;
    }

    @Override
    public void close() {
    }
}
