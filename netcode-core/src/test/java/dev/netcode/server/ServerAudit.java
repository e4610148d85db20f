package dev.netcode.server;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.netcode.address.NetcodeAddress;

/**
 * A read-only census of a {@link ServerStateMachine}'s tables, for the leak checks of the reliability
 * tests: slots, the address → slot index, encryption mappings and the connect-token history, each
 * entry classified, plus every inconsistency found between them ({@link ServerInvariants}' checks and
 * a few more). Call it on the server's thread (for a {@link NetcodeServer}: inside {@link NetcodeServer#call}).
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
        List<String> problems = new ArrayList<>(ServerInvariants.problems(server));
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
