package dev.netcode;

/** Little-endian reads and writes, the byte order of every netcode integer. */
public final class Bytes {

    private Bytes() {
    }

    public static void writeU16(byte[] buf, int offset, int value) {
        buf[offset] = (byte) value;
        buf[offset + 1] = (byte) (value >>> 8);
    }

    public static void writeU32(byte[] buf, int offset, int value) {
        buf[offset] = (byte) value;
        buf[offset + 1] = (byte) (value >>> 8);
        buf[offset + 2] = (byte) (value >>> 16);
        buf[offset + 3] = (byte) (value >>> 24);
    }

    public static void writeU64(byte[] buf, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            buf[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    public static int readU16(byte[] buf, int offset) {
        return (buf[offset] & 0xFF) | (buf[offset + 1] & 0xFF) << 8;
    }

    /** Reads four bytes as a Java int; a u32 at or above 2^31 comes back negative. */
    public static int readU32(byte[] buf, int offset) {
        return (buf[offset] & 0xFF) | (buf[offset + 1] & 0xFF) << 8 | (buf[offset + 2] & 0xFF) << 16
                | (buf[offset + 3] & 0xFF) << 24;
    }

    /** Reads eight bytes as a Java long; treat the result as unsigned. */
    public static long readU64(byte[] buf, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | (buf[offset + i] & 0xFF);
        }
        return value;
    }

    /** Lowercase hex of {@code bytes}. */
    public static String toHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /**
     * Parses hex (either case, even length, no separators).
     *
     * @throws IllegalArgumentException naming the problem but never echoing the input, which may be a key
     */
    public static byte[] fromHex(String hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("hex string has an odd number of digits (" + hex.length() + ")");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("hex string has a non-hex character at position " + (hi < 0 ? 2 * i : 2 * i + 1));
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
