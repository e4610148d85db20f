package dev.netcode.server;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.netcode.address.NetcodeAddress;

/**
 * A read-only census of a {@link ServerStateMachine}'s tables, for the leak checks of the reliability
 * tests: slots, the address → slot index, encryption mappings and the connect-token history, each
 * entry classified, plus every inconsistency found between them ({@link #slotAndMappingProblems}, which
 * the fuzz targets run alone, and a few more). Call it on the server's thread (for a
 * {@link NetcodeServer}: inside {@link NetcodeServer#call}).
 *
 * <p>Nothing is modified: mappings are read by index, never looked up (a lookup refreshes them).
 *
 * @param connectedSlots slots marked connected
 * @param connectedCount the server's own count, which must equal {@code connectedSlots}
 * @param addressIndexSize entries in the address → slot index
 * @param mappingsInUse mapping entries holding an address (live or expired but not yet recycled)
 * @param mappingsIndexed entries in the mappings' address index, which must equal {@code mappingsInUse}
 * @param mappingsOwned entries owned by a connected slot
 * @param mappingsPendingLive unowned entries not yet expired: handshakes in progress (or just abandoned)
 * @param mappingsExpired unowned expired entries, free for reuse
 * @param pendingAddresses the addresses of {@code mappingsPendingLive}
 * @param historyPendingLive token entries pending whose token has not expired
 * @param historyConsumedLive token entries consumed whose token has not expired
 * @param historyReusable token entries whose token expired (free for reuse)
 * @param historyFree token entries never used since the last start
 * @param consumedTokens the {@code historyConsumedLive} entries
 * @param problems every inconsistency found; empty when the tables agree
 */
public record ServerAudit(int connectedSlots, int connectedCount, int addressIndexSize, int mappingsInUse,
        int mappingsIndexed, int mappingsOwned, int mappingsPendingLive, int mappingsExpired,
        List<NetcodeAddress> pendingAddresses, int historyPendingLive, int historyConsumedLive, int historyReusable,
        int historyFree, List<ConsumedToken> consumedTokens, List<String> problems) {

    /** A live consumed token entry: the address that used the token, and the token's expiry. */
    public record ConsumedToken(NetcodeAddress address, long expireTimestamp) {
    }

    /** Mapping and history entries still live: what a server that everyone left must be down to zero of. */
    public int liveEntries() {
        return mappingsOwned + mappingsPendingLive + historyPendingLive + historyConsumedLive;
    }

    public static ServerAudit of(ServerStateMachine server, long unixNow) {
        double now = server.time();
        // Slots against mappings (ownership, keys, counts): the fuzz tests' checks.
        List<String> problems = new ArrayList<>(slotAndMappingProblems(server));
        List<ClientSlot> connected = server.connectedSlots();

        // The address -> slot index, which a leak would turn into "address already connected" forever.
        Map<NetcodeAddress, ClientSlot> byAddress = addressIndex(server);
        int networkClients = 0;
        for (ClientSlot slot : connected) {
            if (!slot.loopback) {
                networkClients++;
                if (byAddress.get(slot.address) != slot) {
                    problems.add(slot + " is not in the address index");
                }
            }
        }
        if (byAddress.size() != networkClients) {
            problems.add("address index holds " + byAddress.size() + " entries for " + networkClients
                    + " connected network clients: " + byAddress);
        }

        // Census of the mappings.
        EncryptionMappings mappings = server.encryptionMappings();
        int inUse = 0;
        int owned = 0;
        int pendingLive = 0;
        int expired = 0;
        List<NetcodeAddress> pendingAddresses = new ArrayList<>();
        for (int i = 0; i < mappings.capacity(); i++) {
            EncryptionMappings.Entry entry = mappings.get(i);
            if (entry.address == null) {
                continue;
            }
            inUse++;
            if (entry.ownerSlot >= 0) {
                owned++;
            }
            else if (entry.isExpired(now)) {
                expired++;
            }
            else {
                pendingLive++;
                pendingAddresses.add(entry.address);
                if (byAddress.containsKey(entry.address)) {
                    problems.add("connected address " + entry.address + " also has an unowned live mapping " + i);
                }
            }
        }
        if (owned != networkClients) {
            problems.add(owned + " mappings are owned but " + networkClients + " network clients are connected");
        }

        // Census of the token history.
        ConnectTokenHistory history = server.tokenHistory();
        int historyPending = 0;
        int historyConsumed = 0;
        int historyReusable = 0;
        int historyFree = 0;
        List<ConsumedToken> consumedTokens = new ArrayList<>();
        for (int i = 0; i < history.capacity(); i++) {
            boolean pending = history.isPending(i);
            boolean consumed = history.isConsumed(i);
            if (!pending && !consumed) {
                historyFree++;
            }
            else if (Long.compareUnsigned(history.expireTimestamp(i), unixNow) <= 0) {
                historyReusable++;
            }
            else if (pending) {
                historyPending++;
            }
            else {
                historyConsumed++;
                consumedTokens.add(new ConsumedToken(history.address(i), history.expireTimestamp(i)));
            }
        }
        if (history.used() != history.capacity() - historyFree) {
            problems.add("token history census does not add up");
        }
        return new ServerAudit(connected.size(), server.connectedClientCount(), byAddress.size(), inUse,
                mappings.size(), owned, pendingLive, expired, List.copyOf(pendingAddresses), historyPending,
                historyConsumed, historyReusable, historyFree, List.copyOf(consumedTokens), List.copyOf(problems));
    }

    /**
     * Every inconsistency between the slots, the connected count and the mapping table; empty when none.
     * Cheap enough for the fuzz targets to run after every input.
     */
    public static List<String> slotAndMappingProblems(ServerStateMachine server) {
        List<String> problems = new ArrayList<>();
        EncryptionMappings mappings = server.encryptionMappings();
        int connected = 0;
        Set<NetcodeAddress> addresses = new HashSet<>();
        Set<Long> clientIds = new HashSet<>();
        for (int i = 0; i < server.maxClients(); i++) {
            ClientSlot slot = server.slot(i);
            if (!slot.connected) {
                if (slot.mapping != null || slot.address != null) {
                    problems.add("free slot " + i + " still holds an address or mapping");
                }
                continue;
            }
            connected++;
            if (!clientIds.add(slot.clientId)) {
                problems.add("client id " + Long.toUnsignedString(slot.clientId) + " in two slots");
            }
            if (slot.loopback) {
                continue;
            }
            if (!addresses.add(slot.address)) {
                problems.add("address " + slot.address + " in two slots");
            }
            EncryptionMappings.Entry mapping = slot.mapping;
            if (mapping == null) {
                problems.add("slot " + i + " has no mapping");
                continue;
            }
            if (!slot.address.equals(mapping.address)) {
                problems.add("slot " + i + " at " + slot.address + " owns the mapping of " + mapping.address);
            }
            if (mapping.ownerSlot != i) {
                problems.add("slot " + i + "'s mapping names owner " + mapping.ownerSlot);
            }
            if (mapping.expireTime != EncryptionMappings.NEVER) {
                problems.add("slot " + i + "'s mapping expires at " + mapping.expireTime);
            }
            if (mappings.get(mapping.index) != mapping) {
                problems.add("slot " + i + "'s mapping is not in the table");
            }
        }
        if (connected != server.connectedClientCount()) {
            problems.add("connected count " + server.connectedClientCount() + " but " + connected + " slots connected");
        }
        int inUse = 0;
        for (int i = 0; i < mappings.capacity(); i++) {
            EncryptionMappings.Entry entry = mappings.get(i);
            if (entry.address != null) {
                inUse++;
            }
            if (entry.ownerSlot >= 0) {
                ClientSlot owner = entry.ownerSlot < server.maxClients() ? server.slot(entry.ownerSlot) : null;
                if (owner == null || !owner.connected || owner.mapping != entry) {
                    problems.add("mapping " + i + " (" + entry.address + ") owned by slot " + entry.ownerSlot
                            + " which does not hold it");
                }
            }
        }
        if (inUse != mappings.size()) {
            problems.add(inUse + " mappings hold an address but the index has " + mappings.size());
        }
        return problems;
    }

    /** Whether a mapping entry (live or expired) holds {@code address}, without refreshing it. */
    public static boolean hasMapping(ServerStateMachine server, NetcodeAddress address) {
        EncryptionMappings mappings = server.encryptionMappings();
        for (int i = 0; i < mappings.capacity(); i++) {
            if (address.equals(mappings.get(i).address)) {
                return true;
            }
        }
        return false;
    }
    @SuppressWarnings("unchecked")
    private static Map<NetcodeAddress, ClientSlot> addressIndex(ServerStateMachine server) {
        try {
            Field field = ServerStateMachine.class.getDeclaredField("slotsByAddress");
            field.setAccessible(true);
            return (Map<NetcodeAddress, ClientSlot>) field.get(server);
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("ServerStateMachine.slotsByAddress is gone; update ServerAudit", ex);
        }
    }

    /** One line for logs. */
    public String summary() {
        return "slots=" + connectedSlots + " mappings[owned=" + mappingsOwned + " pending=" + mappingsPendingLive
                + " expired=" + mappingsExpired + "] history[pending=" + historyPendingLive + " consumed="
                + historyConsumedLive + " reusable=" + historyReusable + " free=" + historyFree + "]"
                + (problems.isEmpty() ? "" : " PROBLEMS=" + problems);
    }
}
