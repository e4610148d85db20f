package dev.netcode.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.netcode.address.NetcodeAddress;

/**
 * Consistency checks over a {@link ServerStateMachine}'s slots and encryption mappings, for the fuzz
 * targets in other packages. Read-only: mappings are read by index, never looked up (a lookup would
 * refresh them).
 */
public final class ServerInvariants {

    private ServerInvariants() {
    }

    /** Every inconsistency between the slots, the connected count and the mapping table; empty when none. */
    public static List<String> problems(ServerStateMachine server) {
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
}
