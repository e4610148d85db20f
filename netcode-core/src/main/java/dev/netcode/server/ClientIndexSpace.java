package dev.netcode.server;

import java.util.Arrays;

/**
 * Which shard holds which client index of a sharded {@link NetcodeServer} ({@link ServerConfig#shards()} above 1),
 * and which client id: the server-wide slot table its shards share, so that the whole server has one index space
 * {@code 0..maxClients-1}, never more than {@code maxClients} clients, and a client id connected at most once, as a
 * single {@link ServerStateMachine} has on its own.
 *
 * <p>Each shard's state machine asks here when it admits a client (a connection request is turned away as full or
 * as a duplicate id, a response takes the lowest free index) and tells it when a slot frees; {@link NetcodeServer}
 * reads the owner of an index to route a send or a disconnect. That is a handful of calls per handshake and none per
 * payload, so one lock is all the synchronisation needed. An index is released only after the owning shard's
 * disconnect event has returned, so one index's events never overlap on two threads.
 */
final class ClientIndexSpace {

    /** {@link #claim(long, int)}: every index is taken. */
    static final int FULL = -1;

    /** {@link #claim(long, int)}: the client id is connected already, on this shard or another. */
    static final int CLIENT_ID_CONNECTED = -2;

    /** {@link #owner(int)}: nobody holds the index. */
    static final int FREE = -1;

    private final int[] owners;
    private final long[] clientIds;
    private int connected;

    ClientIndexSpace(int maxClients) {
        owners = new int[maxClients];
        clientIds = new long[maxClients];
        Arrays.fill(owners, FREE);
    }

    int maxClients() {
        return owners.length;
    }

    /**
     * Takes the lowest free index for {@code clientId} on {@code shard}.
     *
     * @return the index, {@link #FULL} or {@link #CLIENT_ID_CONNECTED}
     */
    synchronized int claim(long clientId, int shard) {
        if (isClientIdConnected(clientId)) {
            return CLIENT_ID_CONNECTED;
        }
        if (connected == owners.length) {
            return FULL;
        }
        for (int index = 0; index < owners.length; index++) {
            if (owners[index] == FREE) {
                take(index, clientId, shard);
                return index;
            }
        }
        throw new IllegalStateException("client index space lost count: " + connected + " held, none free");
    }

    /**
     * Takes {@code index} for {@code clientId} on {@code shard} (a loopback client): true when it was free, or already
     * {@code shard}'s (a disconnect handler giving the slot it is freeing to a loopback client).
     */
    synchronized boolean claim(int index, long clientId, int shard) {
        if (owners[index] == shard) {
            clientIds[index] = clientId;
            return true;
        }
        if (owners[index] != FREE) {
            return false;
        }
        take(index, clientId, shard);
        return true;
    }

    private void take(int index, long clientId, int shard) {
        owners[index] = shard;
        clientIds[index] = clientId;
        connected++;
    }

    /** Frees {@code index}, which its shard's client has left. */
    synchronized void release(int index) {
        if (owners[index] != FREE) {
            owners[index] = FREE;
            clientIds[index] = 0;
            connected--;
        }
    }

    synchronized boolean isClientIdConnected(long clientId) {
        for (int index = 0; index < owners.length; index++) {
            if (owners[index] != FREE && clientIds[index] == clientId) {
                return true;
            }
        }
        return false;
    }

    synchronized boolean isFull() {
        return connected == owners.length;
    }

    /** The shard holding {@code index}, or {@link #FREE} (also for an index out of range). */
    synchronized int owner(int index) {
        return index >= 0 && index < owners.length ? owners[index] : FREE;
    }

    /** Indexes held, on every shard, loopback clients included. */
    synchronized int connectedCount() {
        return connected;
    }
}
