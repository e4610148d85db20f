package dev.netcode.message;

/**
 * The packet a flush is filling: the buffer, the budget, and the reliable entries it carries (so
 * that an ack of the packet can be mapped back to the messages and fragments in it).
 */
final class PacketBuilder {

    /** Most reliable entries (messages or fragments) one packet carries; bounds the sent-packet log. */
    static final int MAX_RELIABLE_ENTRIES = 64;

    final byte[] buf;
    final long[] entries = new long[MAX_RELIABLE_ENTRIES];
    int entryCount;
    int pos;
    private int limit;
    private final int maxPacketBytes;
    private boolean closed;
    private boolean hasEntries;

    PacketBuilder(int maxPacketBytes) {
        this.maxPacketBytes = maxPacketBytes;
        this.buf = new byte[maxPacketBytes];
    }

    void start(int budget) {
        buf[0] = Framing.FORMAT;
        pos = MessageConfig.PACKET_HEADER_BYTES;
        limit = budget;
        entryCount = 0;
        closed = false;
        hasEntries = false;
    }

    int remaining() {
        return closed ? 0 : limit - pos;
    }

    boolean isEmpty() {
        return !hasEntries;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether another reliable entry can be recorded. */
    boolean canRecordReliable() {
        return entryCount < MAX_RELIABLE_ENTRIES;
    }

    /**
     * Lets an empty packet take one entry of up to the largest packet the reliable layer sends (the
     * reliable layer fragments it); the packet is closed after it.
     *
     * @return whether {@code entryBytes} fit that way
     */
    boolean openOversize(int entryBytes) {
        if (hasEntries || closed || MessageConfig.PACKET_HEADER_BYTES + entryBytes > maxPacketBytes) {
            return false;
        }
        limit = maxPacketBytes;
        return true;
    }

    void close() {
        closed = true;
    }

    /** Notes that an entry was written (up to {@link #pos}). */
    void wrote() {
        hasEntries = true;
    }

    void recordReliable(int channel, int id, int fragment) {
        entries[entryCount++] = entry(channel, id, fragment);
        hasEntries = true;
    }

    /** A reliable entry as the sent-packet log keeps it: channel, fragment index + 1 (0 for a message), id. */
    static long entry(int channel, int id, int fragment) {
        return (long) channel << 40 | (long) (fragment + 1) << 16 | (id & 0xFFFF);
    }

    static int entryChannel(long entry) {
        return (int) (entry >>> 40);
    }

    static int entryId(long entry) {
        return (int) (entry & 0xFFFF);
    }

    /** The fragment index, or -1 for a whole message. */
    static int entryFragment(long entry) {
        return (int) ((entry >>> 16) & 0xFFFFFF) - 1;
    }
}
