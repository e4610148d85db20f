package dev.netcode.server;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;

/**
 * The server's address → session keys table. A connection request adds (or refreshes) an entry so
 * the server can read the client's response; a slot takes ownership when the client connects; the
 * entry goes when the slot is freed. Fixed capacity (4 × max(256, max clients); the reference has 1024): a full
 * table refuses new handshakes rather than evicting.
 *
 * <p>An entry is expired when it has been idle longer than its timeout (if positive) or its
 * absolute expire time (if non-negative) has passed. An expired entry is invisible to lookups and
 * may be recycled, but never while a slot owns it.
 */
final class EncryptionMappings {

    /** Expire time meaning "never". */
    static final double NEVER = -1.0;

    static final class Entry {
        final int index;
        NetcodeAddress address;
        final byte[] sendKey = new byte[NetcodeProtocol.KEY_BYTES];
        final byte[] receiveKey = new byte[NetcodeProtocol.KEY_BYTES];
        int timeout;
        double expireTime;
        double lastAccessTime;
        int ownerSlot = -1;
        int tokenHistoryIndex = -1;
        /** The client id of the token that made the entry; meaningful while no slot owns it. */
        long clientId;
        /** When the entry was made for its current token (update clock). */
        double createTime;

        Entry(int index) {
            this.index = index;
        }

        boolean isExpired(double now) {
            return (timeout > 0 && lastAccessTime + timeout < now) || (expireTime >= 0 && expireTime < now);
        }

        void clear() {
            address = null;
            Arrays.fill(sendKey, (byte) 0);
            Arrays.fill(receiveKey, (byte) 0);
            timeout = 0;
            expireTime = NEVER;
            lastAccessTime = 0;
            ownerSlot = -1;
            tokenHistoryIndex = -1;
            clientId = 0;
            createTime = 0;
        }

        /** A live entry that no slot owns yet: a handshake in progress. */
        boolean isPending(double now) {
            return address != null && ownerSlot < 0 && !isExpired(now);
        }
    }

    private final Entry[] entries;
    private final Map<NetcodeAddress, Entry> byAddress;

    EncryptionMappings(int capacity) {
        entries = new Entry[capacity];
        for (int i = 0; i < capacity; i++) {
            entries[i] = new Entry(i);
            entries[i].clear();
        }
        byAddress = new HashMap<>(capacity * 2);
    }

    /** The live entry for {@code address}, refreshing its last access, or {@code null}. */
    Entry find(NetcodeAddress address, double now) {
        Entry entry = byAddress.get(address);
        if (entry == null || entry.isExpired(now)) {
            return null;
        }
        entry.lastAccessTime = now;
        return entry;
    }

    /**
     * Adds or refreshes the entry for {@code address}. A live entry is updated in place; otherwise
     * the first free entry, or the first expired one no slot owns, is taken.
     *
     * @return the entry, or {@code null} when the table is full
     */
    Entry add(NetcodeAddress address, byte[] sendKey, byte[] receiveKey, double now, double expireTime, int timeout) {
        Entry entry = byAddress.get(address);
        if (entry == null || entry.isExpired(now)) {
            entry = null;
            for (Entry candidate : entries) {
                if (candidate.address == null || (candidate.ownerSlot < 0 && candidate.isExpired(now))) {
                    entry = candidate;
                    break;
                }
            }
            if (entry == null) {
                return null;
            }
            forget(entry);
            Entry stale = byAddress.get(address);
            if (stale != null && stale.ownerSlot < 0) {
                forget(stale);
                stale.clear();
            }
            entry.clear();
            entry.address = address;
            byAddress.put(address, entry);
        }
        System.arraycopy(sendKey, 0, entry.sendKey, 0, NetcodeProtocol.KEY_BYTES);
        System.arraycopy(receiveKey, 0, entry.receiveKey, 0, NetcodeProtocol.KEY_BYTES);
        entry.lastAccessTime = now;
        entry.expireTime = expireTime;
        entry.timeout = timeout;
        return entry;
    }

    /** Handshakes in progress from the host of {@code address} (same IPv4 address or IPv6 /64). */
    int pendingFromHost(NetcodeAddress address, double now) {
        int pending = 0;
        for (Entry entry : entries) {
            if (entry.isPending(now) && entry.address.sameHost(address)) {
                pending++;
            }
        }
        return pending;
    }

    /**
     * The oldest handshake in progress for {@code clientId} when it has at least {@code limit} of
     * them, else {@code null}: what a newer handshake of that client must give up.
     */
    Entry oldestPendingBeyond(long clientId, int limit, double now) {
        Entry oldest = null;
        int pending = 0;
        for (Entry entry : entries) {
            if (entry.isPending(now) && entry.clientId == clientId) {
                pending++;
                if (oldest == null || entry.createTime < oldest.createTime) {
                    oldest = entry;
                }
            }
        }
        return pending >= limit ? oldest : null;
    }

    /** Removes the entry for {@code address}, live or not; returns whether there was one. */
    boolean remove(NetcodeAddress address) {
        Entry entry = byAddress.remove(address);
        if (entry == null) {
            return false;
        }
        entry.clear();
        return true;
    }

    Entry get(int index) {
        return entries[index];
    }

    int capacity() {
        return entries.length;
    }

    /** Entries in use (live or expired but not yet recycled). */
    int size() {
        return byAddress.size();
    }

    void reset() {
        for (Entry entry : entries) {
            entry.clear();
        }
        byAddress.clear();
    }

    private void forget(Entry entry) {
        if (entry.address != null && byAddress.get(entry.address) == entry) {
            byAddress.remove(entry.address);
        }
    }
}
