package dev.netcode.server;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference's {@code test_connect_token_entries} (1.4.5), plus the full-table retransmission case. */
class ConnectTokenHistoryTest {

    private static final int ENTRIES = 2048;
    private static final long UNIX_NOW = 1000;
    private static final long EXPIRE = 1030;
    private static final NetcodeAddress A = NetcodeAddress.parse("127.0.0.1:40000");
    private static final NetcodeAddress B = NetcodeAddress.parse("127.0.0.1:40001");

    /** A 16-byte tag derived from {@code n}, distinct for distinct n. */
    private static byte[] tag(int n) {
        return ByteBuffer.allocate(16).putInt(0x7A6).putInt(n).putLong(~(long) n).array();
    }

    @Test
    void test_connect_token_entries() {
        ConnectTokenHistory history = new ConnectTokenHistory(ENTRIES);
        assertThat(history.capacity()).isEqualTo(ENTRIES);
        assertThat(history.used()).isZero();
        byte[] tag = tag(0);

        // a new tag: a pending entry stamped with the given (update-clock) time
        int index = history.admit(tag, 0, A, EXPIRE, 5.0, UNIX_NOW);
        assertThat(index).isBetween(0, ENTRIES - 1);
        assertThat(history.isPending(index)).isTrue();
        assertThat(history.isConsumed(index)).isFalse();
        assertThat(history.createTime(index)).isEqualTo(5.0);
        assertThat(history.used()).isEqualTo(1);

        // the same tag from the same address: same entry, time not refreshed
        assertThat(history.admit(tag, 0, A, EXPIRE, 6.0, UNIX_NOW)).isEqualTo(index);
        assertThat(history.createTime(index)).isEqualTo(5.0);
        assertThat(history.isPending(index)).isTrue();

        // from another address: refused, entry unchanged
        assertThat(history.admit(tag, 0, B, EXPIRE, 7.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(history.isPending(index)).isTrue();
        assertThat(history.used()).isEqualTo(1);

        // consumed: refused from both addresses, also when read at offset 1008 of a 1024-byte block
        history.consume(index);
        assertThat(history.isConsumed(index)).isTrue();
        assertThat(history.admit(tag, 0, A, EXPIRE, 8.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(history.admit(tag, 0, B, EXPIRE, 8.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        byte[] block = new byte[1024];
        System.arraycopy(tag, 0, block, 1008, 16);
        assertThat(history.admit(block, 1008, A, EXPIRE, 8.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(history.admit(block, 1008, B, EXPIRE, 8.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(history.used()).isEqualTo(1);

        // fill the other 2047 entries with distinct tags
        Set<Integer> indexes = new HashSet<>();
        indexes.add(index);
        for (int n = 1; n < ENTRIES; n++) {
            int i = history.admit(tag(n), 0, A, EXPIRE, 9.0, UNIX_NOW);
            assertThat(i).as("tag %d", n).isBetween(0, ENTRIES - 1);
            indexes.add(i);
        }
        assertThat(indexes).hasSize(ENTRIES);
        assertThat(history.used()).isEqualTo(ENTRIES);

        // full: a new tag fails, the consumed one still refuses
        assertThat(history.admit(tag(ENTRIES), 0, A, EXPIRE, 10.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.FULL);
        assertThat(history.admit(tag, 0, A, EXPIRE, 10.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(history.admit(block, 1008, B, EXPIRE, 10.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);

        // at Unix now = expiry every entry is reusable: a new tag is accepted again
        int reused = history.admit(tag(ENTRIES), 0, B, EXPIRE + 30, 11.0, EXPIRE);
        assertThat(reused).isBetween(0, ENTRIES - 1);
        assertThat(history.isPending(reused)).isTrue();
        assertThat(history.createTime(reused)).isEqualTo(11.0);
    }

    @Test
    void fullTableStillAdmitsRetransmissionOfPendingEntry() {
        ConnectTokenHistory history = new ConnectTokenHistory(ENTRIES);
        int pending = history.admit(tag(0), 0, A, EXPIRE, 1.0, UNIX_NOW);
        for (int n = 1; n < ENTRIES; n++) {
            assertThat(history.admit(tag(n), 0, B, EXPIRE, 1.0, UNIX_NOW)).isNotNegative();
        }
        assertThat(history.admit(tag(ENTRIES), 0, A, EXPIRE, 2.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.FULL);
        // the pending entry's own address retransmits: admitted, unchanged
        assertThat(history.admit(tag(0), 0, A, EXPIRE, 3.0, UNIX_NOW)).isEqualTo(pending);
        assertThat(history.isPending(pending)).isTrue();
        assertThat(history.createTime(pending)).isEqualTo(1.0);
        // anyone else presenting it is refused, not told "full"
        assertThat(history.admit(tag(0), 0, B, EXPIRE, 3.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        // consuming it then refuses it even from its own address; the table stays full
        history.consume(pending);
        assertThat(history.admit(tag(0), 0, A, EXPIRE, 4.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(history.admit(tag(ENTRIES + 1), 0, A, EXPIRE, 4.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.FULL);
    }

    @Test
    void expiredEntriesAreReusedLazilyAndOnlyWhenExpired() {
        ConnectTokenHistory history = new ConnectTokenHistory(2);
        int consumed = history.admit(tag(0), 0, A, EXPIRE, 1.0, UNIX_NOW);
        history.consume(consumed);
        int pending = history.admit(tag(1), 0, A, EXPIRE + 100, 1.0, UNIX_NOW);
        assertThat(history.admit(tag(2), 0, A, EXPIRE, 1.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.FULL);
        // one second before expiry: still full, the consumed token still refused
        assertThat(history.admit(tag(2), 0, A, EXPIRE, 1.0, EXPIRE - 1)).isEqualTo(ConnectTokenHistory.FULL);
        assertThat(history.admit(tag(0), 0, A, EXPIRE, 1.0, EXPIRE - 1)).isEqualTo(ConnectTokenHistory.REFUSED);
        // at expiry the consumed entry (not the later-expiring pending one) is taken for a new tag
        assertThat(history.admit(tag(2), 0, B, EXPIRE + 30, 2.0, EXPIRE)).isEqualTo(consumed);
        assertThat(history.isPending(consumed)).isTrue();
        assertThat(history.isPending(pending)).isTrue();
        assertThat(history.used()).isEqualTo(2);
    }

    @Test
    void neverExpiringTokenKeepsItsEntryAndCompareIsUnsigned() {
        ConnectTokenHistory history = new ConnectTokenHistory(1);
        long never = -1L; // 2^64 - 1
        int index = history.admit(tag(0), 0, A, never, 1.0, UNIX_NOW);
        history.consume(index);
        // a Unix time >= 2^63 (negative as a long) is still before 2^64 - 1
        assertThat(history.admit(tag(1), 0, A, never, 1.0, Long.MIN_VALUE)).isEqualTo(ConnectTokenHistory.FULL);
        assertThat(history.admit(tag(1), 0, A, never, 1.0, -2L)).isEqualTo(ConnectTokenHistory.FULL);
        assertThat(history.admit(tag(0), 0, A, never, 1.0, -2L)).isEqualTo(ConnectTokenHistory.REFUSED);
        // an expiry of 2^63 (negative as a long) is in the future at Unix now = 1000
        ConnectTokenHistory other = new ConnectTokenHistory(1);
        other.admit(tag(0), 0, A, Long.MIN_VALUE, 1.0, UNIX_NOW);
        assertThat(other.admit(tag(1), 0, A, EXPIRE, 1.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.FULL);
    }

    @Test
    void carryingOverRefusesEveryTokenSeenBeforeUntilItExpires() {
        ConnectTokenHistory previous = new ConnectTokenHistory(4);
        int consumed = previous.admit(tag(0), 0, A, EXPIRE, 1.0, UNIX_NOW);
        previous.consume(consumed);
        int pending = previous.admit(tag(1), 0, B, EXPIRE, 1.0, UNIX_NOW);

        ConnectTokenHistory next = ConnectTokenHistory.carryingOver(previous, 2);
        assertThat(next.capacity()).as("never smaller than the previous run's").isEqualTo(4);
        assertThat(next.admit(tag(0), 0, A, EXPIRE, 0.0, UNIX_NOW)).isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(next.admit(tag(1), 0, B, EXPIRE, 0.0, UNIX_NOW))
                .as("a handshake pending before the restart does not go on after it")
                .isEqualTo(ConnectTokenHistory.REFUSED);
        assertThat(next.isConsumed(pending)).isTrue();
        int fresh = next.admit(tag(2), 0, A, EXPIRE, 0.0, UNIX_NOW);
        assertThat(next.isPending(fresh)).isTrue();
        // Once the old tokens expire their entries are reused.
        assertThat(next.admit(tag(3), 0, A, EXPIRE, 0.0, EXPIRE)).isNotNegative();
        assertThat(next.admit(tag(4), 0, A, EXPIRE + 30, 0.0, EXPIRE)).isNotNegative();
    }
}
