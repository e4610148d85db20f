package dev.netcode.server;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.DropReason;

/**
 * What a running server looks like at one moment: for monitoring and admin endpoints. Holds no key
 * material.
 *
 * @param boundAddress the local socket address
 * @param serverAddresses the addresses connect tokens must list
 * @param clients the occupied slots, in index order
 * @param drops dropped datagrams by reason (non-zero counts only)
 */
public record ServerSnapshot(NetcodeAddress boundAddress, List<NetcodeAddress> serverAddresses, int maxClients,
        int connectedClients, List<Client> clients, long packetsReceived, long packetsSent, long connectionsDenied,
        Map<DropReason, Long> drops) {

    /**
     * One occupied slot.
     *
     * @param address {@code null} for a loopback client
     */
    public record Client(int index, long clientId, NetcodeAddress address, boolean loopback, Instant connectedSince,
            Instant lastPacketReceived, long packetsReceived, long packetsSent, long bytesReceived, long bytesSent) {
    }
}
