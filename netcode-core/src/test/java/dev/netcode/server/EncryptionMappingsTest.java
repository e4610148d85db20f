package dev.netcode.server;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.SecureRandomBytes;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference's {@code test_encryption_manager}, plus pitfall 12 (owned entries are never recycled). */
class EncryptionMappingsTest {

    private static final int COUNT = 5;
    private static final int TIMEOUT = 15;

    private final List<NetcodeAddress> addresses = new ArrayList<>();
    private final List<byte[]> sendKeys = new ArrayList<>();
    private final List<byte[]> receiveKeys = new ArrayList<>();
    private EncryptionMappings mappings;
    private double time = 100.0;

    @BeforeEach
    void setUp() {
        for (int i = 0; i < COUNT; i++) {
            addresses.add(NetcodeAddress.parse("127.0.0.1:" + (20000 + i)));
            sendKeys.add(SecureRandomBytes.key());
            receiveKeys.add(SecureRandomBytes.key());
        }
        mappings = new EncryptionMappings(1024);
    }

    private EncryptionMappings.Entry add(int i) {
        return mappings.add(addresses.get(i), sendKeys.get(i), receiveKeys.get(i), time, EncryptionMappings.NEVER,
                TIMEOUT);
    }

    private void assertFound(int i) {
        EncryptionMappings.Entry entry = mappings.find(addresses.get(i), time);
        assertThat(entry).as("mapping %d", i).isNotNull();
        assertThat(entry.address).isEqualTo(addresses.get(i));
        assertThat(entry.sendKey).isEqualTo(sendKeys.get(i));
        assertThat(entry.receiveKey).isEqualTo(receiveKeys.get(i));
        assertThat(entry.timeout).isEqualTo(TIMEOUT);
    }

    private void assertNotFound(int i) {
        assertThat(mappings.find(addresses.get(i), time)).as("mapping %d", i).isNull();
    }

    @Test
    void test_encryption_manager() {
        for (int i = 0; i < COUNT; i++) {
            assertNotFound(i);
            assertThat(add(i)).isNotNull();
            assertFound(i);
        }
        assertThat(mappings.size()).isEqualTo(COUNT);

        // removing a mapping that doesn't exist changes nothing
        assertThat(mappings.remove(NetcodeAddress.parse("127.0.0.1:50000"))).isFalse();
        assertThat(mappings.size()).isEqualTo(COUNT);
        for (int i = 0; i < COUNT; i++) {
            assertFound(i);
        }

        // remove the first and last: only those disappear
        assertThat(mappings.remove(addresses.get(0))).isTrue();
        assertThat(mappings.remove(addresses.get(COUNT - 1))).isTrue();
        assertThat(mappings.remove(addresses.get(0))).isFalse();
        for (int i = 0; i < COUNT; i++) {
            if (i == 0 || i == COUNT - 1) {
                assertNotFound(i);
            }
            else {
                assertFound(i);
            }
        }

        // add them back: all visible again
        for (int i = 0; i < COUNT; i++) {
            assertThat(add(i)).isNotNull();
        }
        for (int i = 0; i < COUNT; i++) {
            assertFound(i);
        }
        assertThat(mappings.size()).isEqualTo(COUNT);

        // idle for twice the timeout: every lookup fails
        time += TIMEOUT * 2;
        for (int i = 0; i < COUNT; i++) {
            assertNotFound(i);
        }

        // re-adding after expiry works
        for (int i = 0; i < COUNT; i++) {
            assertThat(add(i)).isNotNull();
            assertFound(i);
        }

        // reset clears everything
        mappings.reset();
        assertThat(mappings.size()).isZero();
        for (int i = 0; i < COUNT; i++) {
            assertNotFound(i);
        }

        // an absolute expire time hides the entry once passed; -1 (never) brings it back
        EncryptionMappings.Entry entry = mappings.add(addresses.get(0), sendKeys.get(0), receiveKeys.get(0), time,
                time + 1.0, TIMEOUT);
        assertThat(entry).isNotNull();
        assertThat(entry.expireTime).isEqualTo(time + 1.0);
        assertFound(0);
        time += 1.1;
        assertNotFound(0);
        entry.expireTime = EncryptionMappings.NEVER;
        assertThat(mappings.find(addresses.get(0), time)).isSameAs(entry);
        assertFound(0);
    }

    @Test
    void lookupRefreshesIdleTimeButNotPastExpiry() {
        EncryptionMappings.Entry entry = add(0);
        for (int step = 0; step < 10; step++) {
            time += TIMEOUT - 1;
            assertThat(mappings.find(addresses.get(0), time)).isSameAs(entry);
            assertThat(entry.lastAccessTime).isEqualTo(time);
        }
        time += TIMEOUT + 0.5;
        assertNotFound(0);
    }

    @Test
    void addingALiveAddressOverwritesItsEntryInPlace() {
        EncryptionMappings.Entry first = add(0);
        byte[] newSend = SecureRandomBytes.key();
        byte[] newReceive = SecureRandomBytes.key();
        time += 1;
        EncryptionMappings.Entry second = mappings.add(addresses.get(0), newSend, newReceive, time, time + 5, 7);
        assertThat(second).isSameAs(first);
        assertThat(second.sendKey).isEqualTo(newSend);
        assertThat(second.receiveKey).isEqualTo(newReceive);
        assertThat(second.timeout).isEqualTo(7);
        assertThat(second.expireTime).isEqualTo(time + 5);
        assertThat(second.lastAccessTime).isEqualTo(time);
        assertThat(mappings.size()).isEqualTo(1);
    }

    @Test
    void fullTableRefusesInsteadOfEvicting() {
        mappings = new EncryptionMappings(3);
        for (int i = 0; i < 3; i++) {
            assertThat(add(i)).isNotNull();
        }
        assertThat(add(3)).isNull();
        for (int i = 0; i < 3; i++) {
            assertFound(i);
        }
        assertNotFound(3);
    }

    /** Pitfall 12 (netcode PR #111): an expired entry still owned by a slot must never be taken over. */
    @Test
    void expiredEntryOwnedBySlotIsNeverRecycled() {
        mappings = new EncryptionMappings(4);
        EncryptionMappings.Entry owned = add(0);
        owned.ownerSlot = 0;
        owned.expireTime = EncryptionMappings.NEVER;
        for (int i = 1; i < 4; i++) {
            assertThat(add(i)).isNotNull();
        }
        // every entry, the owned one included, is now idle-expired
        time += TIMEOUT * 2;
        for (int i = 0; i < 4; i++) {
            assertNotFound(i);
        }
        List<EncryptionMappings.Entry> taken = new ArrayList<>();
        NetcodeAddress[] newcomers = { NetcodeAddress.parse("10.0.0.1:1"), NetcodeAddress.parse("10.0.0.2:2"),
            NetcodeAddress.parse("10.0.0.3:3"), NetcodeAddress.parse("10.0.0.4:4") };
        for (int i = 0; i < 3; i++) {
            EncryptionMappings.Entry entry = mappings.add(newcomers[i], SecureRandomBytes.key(),
                    SecureRandomBytes.key(), time, EncryptionMappings.NEVER, TIMEOUT);
            assertThat(entry).isNotNull().isNotSameAs(owned);
            taken.add(entry);
        }
        assertThat(taken).extracting(e -> e.index).containsExactly(1, 2, 3);
        // only the owned entry is left, and it is not up for grabs
        assertThat(mappings.add(newcomers[3], SecureRandomBytes.key(), SecureRandomBytes.key(), time,
                EncryptionMappings.NEVER, TIMEOUT)).isNull();
        assertThat(owned.address).isEqualTo(addresses.get(0));
        assertThat(owned.ownerSlot).isZero();
        assertThat(owned.sendKey).isEqualTo(sendKeys.get(0));
        assertThat(owned.receiveKey).isEqualTo(receiveKeys.get(0));
        // the slot's disconnect removes it, and then it can be reused
        assertThat(mappings.remove(addresses.get(0))).isTrue();
        assertThat(owned.ownerSlot).isEqualTo(-1);
        assertThat(mappings.add(newcomers[3], SecureRandomBytes.key(), SecureRandomBytes.key(), time,
                EncryptionMappings.NEVER, TIMEOUT)).isSameAs(owned);
    }

    @Test
    void removeAndResetWipeKeysAndHistoryIndex() {
        EncryptionMappings.Entry entry = add(0);
        entry.tokenHistoryIndex = 17;
        entry.ownerSlot = 3;
        assertThat(mappings.remove(addresses.get(0))).isTrue();
        assertThat(entry.address).isNull();
        assertThat(entry.sendKey).containsOnly(0);
        assertThat(entry.receiveKey).containsOnly(0);
        assertThat(entry.tokenHistoryIndex).isEqualTo(-1);
        assertThat(entry.ownerSlot).isEqualTo(-1);

        EncryptionMappings.Entry again = add(1);
        again.tokenHistoryIndex = 5;
        mappings.reset();
        assertThat(again.address).isNull();
        assertThat(again.sendKey).containsOnly(0);
        assertThat(again.tokenHistoryIndex).isEqualTo(-1);
    }
}
