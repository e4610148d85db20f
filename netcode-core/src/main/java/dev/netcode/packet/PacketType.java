package dev.netcode.packet;

/** The seven netcode packet types; the value is the low nibble of the prefix byte. */
public enum PacketType {

    CONNECTION_REQUEST,
    CONNECTION_DENIED,
    CONNECTION_CHALLENGE,
    CONNECTION_RESPONSE,
    KEEP_ALIVE,
    PAYLOAD,
    DISCONNECT;

    private static final PacketType[] BY_VALUE = values();

    /** Types a server accepts: request, response, keep-alive, payload, disconnect. */
    public static final int SERVER_ALLOWED = mask(CONNECTION_REQUEST, CONNECTION_RESPONSE, KEEP_ALIVE, PAYLOAD, DISCONNECT);
    /** Types a client accepts: denied, challenge, keep-alive, payload, disconnect. */
    public static final int CLIENT_ALLOWED = mask(CONNECTION_DENIED, CONNECTION_CHALLENGE, KEEP_ALIVE, PAYLOAD, DISCONNECT);
    /** Every type, for codec tests. */
    public static final int ALL = (1 << BY_VALUE.length) - 1;

    /** The value on the wire (0..6). */
    public int value() {
        return ordinal();
    }

    /** Whether this type is in a mask built from {@link #SERVER_ALLOWED}, {@link #CLIENT_ALLOWED} or {@link #mask}. */
    public boolean isIn(int mask) {
        return (mask & (1 << ordinal())) != 0;
    }

    /** The type with wire value {@code value}, or {@code null} for 7..15. */
    public static PacketType of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    public static int mask(PacketType... types) {
        int mask = 0;
        for (PacketType type : types) {
            mask |= 1 << type.ordinal();
        }
        return mask;
    }
}
