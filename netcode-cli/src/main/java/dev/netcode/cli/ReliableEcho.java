package dev.netcode.cli;

import java.util.concurrent.atomic.AtomicLong;

import dev.netcode.reliable.ReliableConfig;
import dev.netcode.reliable.ReliableEndpoint;
import dev.netcode.server.NetcodeServer;

/**
 * The echo of {@code server --reliable}: one {@link ReliableEndpoint} (default config, the C
 * library {@code reliable}'s) per client slot, created when the client connects and dropped when it
 * leaves. Every payload from a client is a reliable datagram for its slot's endpoint; every packet
 * the endpoint delivers goes back to that client as a new reliable packet, sent once the receive
 * call has returned, so that its header already acks the packet it answers. Every method runs on
 * the server's thread.
 */
final class ReliableEcho {

    private final NetcodeServer server;
    private final AtomicLong datagramsSent;
    private final ReliableEndpoint[] endpoints;
    /** The packet being delivered, copied out of the receive buffer until it is echoed; shared, as everything runs on one thread. */
    private final byte[] delivered = new byte[ReliableConfig.defaults().maxPacketSize()];
    private int deliveredLength = -1;
    final AtomicLong packetsDelivered = new AtomicLong();
    final AtomicLong packetsEchoed = new AtomicLong();

    /** @param datagramsSent counts every datagram sent (a fragmented echo is several) */
    ReliableEcho(NetcodeServer server, int maxClients, AtomicLong datagramsSent) {
        this.server = server;
        this.datagramsSent = datagramsSent;
        this.endpoints = new ReliableEndpoint[maxClients];
    }

    void connected(int slot) {
        endpoints[slot] = new ReliableEndpoint(ReliableConfig.defaults(), server.now(),
                (sequence, datagram, offset, length) -> {
                    server.send(slot, datagram, offset, length);
                    datagramsSent.incrementAndGet();
                },
                (sequence, payload, offset, length) -> {
                    System.arraycopy(payload, offset, delivered, 0, length);
                    deliveredLength = length;
                    return true;
                });
    }

    void received(int slot, byte[] buf, int offset, int length) {
        ReliableEndpoint endpoint = endpoints[slot];
        if (endpoint == null) {
            return;
        }
        endpoint.update(server.now());
        deliveredLength = -1;
        endpoint.receivePacket(buf, offset, length);
        // The echo server does not resend, so it has no use for the acks of its own packets.
        endpoint.clearAcks();
        if (deliveredLength >= 0) {
            packetsDelivered.incrementAndGet();
            if (endpoint.sendPacket(delivered, 0, deliveredLength)) {
                packetsEchoed.incrementAndGet();
            }
            deliveredLength = -1;
        }
    }

    void disconnected(int slot) {
        endpoints[slot] = null;
    }
}
