package dev.netcode.server;

import java.util.Arrays;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;

/**
 * Which connect tokens this server has seen, so a token opens at most one session (netcode 1.4.5,
 * the fix for GHSA-v29p-3vj4-vg4f). A token is identified by the 16-byte tag of its sealed private
 * part. Its entry is created <em>pending</em> for the first address that presents it, admits only
 * that address's retransmissions, becomes <em>consumed</em> when that client gets a slot, and then
 * refuses everything until the token expires. Nothing is released on disconnect or handshake
 * failure, and a full table refuses new tokens instead of evicting: either would reopen the bug.
 *
 * <p>Every admission scans the whole table once, without early exit, as the reference does.
 *
 * <p>Thread-safe: the shards of a {@link NetcodeServer} ({@link ServerConfig#shards()}) share one history, so that a
 * token is refused on every shard as it is on one server. Only connection requests and responses come here, never
 * a payload, so a lock per call costs nothing a packet would notice.
 */
final class ConnectTokenHistory {

    static final int FULL = -1;
    static final int REFUSED = -2;

    private static final byte FREE = 0;
    private static final byte PENDING = 1;
    private static final byte CONSUMED = 2;
    private static final int TAG_BYTES = NetcodeProtocol.MAC_BYTES;

    private final byte[] states;
    private final byte[] tags;
    private final NetcodeAddress[] addresses;
    private final long[] expireTimestamps;
    private final double[] createTimes;

    ConnectTokenHistory(int capacity) {
        states = new byte[capacity];
        tags = new byte[capacity * TAG_BYTES];
        addresses = new NetcodeAddress[capacity];
        expireTimestamps = new long[capacity];
        createTimes = new double[capacity];
    }

    /**
     * Admits the token whose tag is at {@code tag[tagOffset)}, presented from {@code from}.
     *
     * @return the entry index to continue the handshake with, {@link #FULL} when there is no room
     *         for a new token, or {@link #REFUSED} when the token is consumed or pending for another address
     */
    synchronized int admit(byte[] tag, int tagOffset, NetcodeAddress from, long expireTimestamp, double now,
            long unixNow) {
        int match = -1;
        int reusable = -1;
        for (int i = 0; i < states.length; i++) {
            boolean free = states[i] == FREE;
            if (!free && Arrays.equals(tags, i * TAG_BYTES, (i + 1) * TAG_BYTES, tag, tagOffset, tagOffset + TAG_BYTES)) {
                match = i;
            }
            if (reusable < 0 && (free || Long.compareUnsigned(expireTimestamps[i], unixNow) <= 0)) {
                reusable = i;
            }
        }
        if (match >= 0) {
            return states[match] == PENDING && addresses[match].equals(from) ? match : REFUSED;
        }
        if (reusable < 0) {
            return FULL;
        }
        states[reusable] = PENDING;
        System.arraycopy(tag, tagOffset, tags, reusable * TAG_BYTES, TAG_BYTES);
        addresses[reusable] = from;
        expireTimestamps[reusable] = expireTimestamp;
        createTimes[reusable] = now;
        return reusable;
    }

    /**
     * Marks the entry of a token consumed: its client got a slot, or its handshake was given up (superseded
     * by a newer one of the same client, or left over from before a restart). Either way the token is
     * refused from now until it expires.
     */
    synchronized void consume(int index) {
        if (index >= 0 && index < states.length && states[index] != FREE) {
            states[index] = CONSUMED;
        }
    }

    /**
     * Whether entry {@code index} is still pending for the token that {@code from} first presented with
     * expiry {@code expireTimestamp} and whose tag starts with {@code tag[tagOffset, tagOffset + tagBytes)}.
     * A connection response names the entry its challenge was issued for; the entry may since have been
     * consumed, or (once its token expired) reused for another token.
     */
    synchronized boolean isPendingFor(int index, NetcodeAddress from, long expireTimestamp, byte[] tag, int tagOffset,
            int tagBytes) {
        return index >= 0 && index < states.length && states[index] == PENDING && from.equals(addresses[index])
                && expireTimestamps[index] == expireTimestamp
                && Arrays.equals(tags, index * TAG_BYTES, index * TAG_BYTES + tagBytes, tag, tagOffset,
                        tagOffset + tagBytes);
    }

    /**
     * This table with the entries of {@code previous} (a stopped run's) carried over as consumed, so a
     * restart, however quick, never lets a token seen before it open a session: the new run starts
     * its sequences afresh, and a second session under the same keys would repeat nonces. The table
     * grows to hold them all when the previous run's was larger.
     */
    static ConnectTokenHistory carryingOver(ConnectTokenHistory previous, int capacity) {
        ConnectTokenHistory next = new ConnectTokenHistory(Math.max(capacity, previous.capacity()));
        synchronized (previous) {
            System.arraycopy(previous.tags, 0, next.tags, 0, previous.tags.length);
            System.arraycopy(previous.addresses, 0, next.addresses, 0, previous.addresses.length);
            System.arraycopy(previous.expireTimestamps, 0, next.expireTimestamps, 0, previous.expireTimestamps.length);
            for (int i = 0; i < previous.states.length; i++) {
                next.states[i] = previous.states[i] == FREE ? FREE : CONSUMED;
            }
        }
        return next;
    }

    synchronized boolean isPending(int index) {
        return states[index] == PENDING;
    }

    synchronized boolean isConsumed(int index) {
        return states[index] == CONSUMED;
    }

    /** The address that presented the token of entry {@code index} first; {@code null} when free. */
    synchronized NetcodeAddress address(int index) {
        return addresses[index];
    }

    /** The Unix expiry of the token of entry {@code index} (unsigned; 0 when free). */
    synchronized long expireTimestamp(int index) {
        return expireTimestamps[index];
    }

    synchronized double createTime(int index) {
        return createTimes[index];
    }

    int capacity() {
        return states.length;
    }

    /** Entries that are not free (pending or consumed, expired or not). */
    synchronized int used() {
        int used = 0;
        for (byte state : states) {
            if (state != FREE) {
                used++;
            }
        }
        return used;
    }
}
