package dev.netcode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Constants of the netcode 1.02 wire protocol, named as in the C reference. */
public final class NetcodeProtocol {

    /** "NETCODE 1.02" followed by a NUL byte: 13 bytes on the wire. */
    public static final int VERSION_INFO_BYTES = 13;
    private static final byte[] VERSION_INFO = "NETCODE 1.02\0".getBytes(StandardCharsets.US_ASCII);

    public static final int KEY_BYTES = 32;
    public static final int MAC_BYTES = 16;
    public static final int USER_DATA_BYTES = 256;
    public static final int CONNECT_TOKEN_BYTES = 2048;
    public static final int CONNECT_TOKEN_PRIVATE_BYTES = 1024;
    public static final int CONNECT_TOKEN_NONCE_BYTES = 24;
    public static final int CHALLENGE_TOKEN_BYTES = 300;
    public static final int MAX_SERVERS_PER_CONNECT = 32;

    /** Largest payload a packet carries; the smallest is 1 byte. */
    public static final int MAX_PAYLOAD_BYTES = 1200;
    /** Size of receive and send buffers; the largest real packet is 1225 bytes. */
    public static final int MAX_PACKET_BYTES = 1300;
    public static final int CONNECTION_REQUEST_BYTES = 1078;

    /** Requests, responses and keep-alives go out at 10 Hz. */
    public static final double PACKET_SEND_RATE = 10.0;
    public static final double PACKET_SEND_INTERVAL = 1.0 / PACKET_SEND_RATE;
    public static final int NUM_DISCONNECT_PACKETS = 10;
    public static final int REPLAY_PROTECTION_BUFFER_SIZE = 256;
    public static final int PACKET_QUEUE_SIZE = 256;

    /** The reference's slot count; our server accepts more (see {@code ServerConfig}). */
    public static final int DEFAULT_MAX_CLIENTS = 256;
    /** Default of the 1.4.5 restart rule ({@code max_connect_token_lifetime}), in seconds. */
    public static final int DEFAULT_MAX_CONNECT_TOKEN_LIFETIME = 30;

    /** First sequence of the server's global (pre-slot) packets, set on every start. */
    public static final long GLOBAL_SEQUENCE_SEED = 1L << 63;

    private NetcodeProtocol() {
    }

    /** A fresh copy of the 13 version bytes. */
    public static byte[] versionInfo() {
        return VERSION_INFO.clone();
    }

    /** Writes the 13 version bytes at {@code offset}. */
    public static void writeVersionInfo(byte[] buf, int offset) {
        System.arraycopy(VERSION_INFO, 0, buf, offset, VERSION_INFO_BYTES);
    }

    /** Whether {@code buf[offset, offset + 13)} holds exactly the version bytes. */
    public static boolean isVersionInfo(byte[] buf, int offset) {
        return buf.length - offset >= VERSION_INFO_BYTES
                && Arrays.equals(buf, offset, offset + VERSION_INFO_BYTES, VERSION_INFO, 0, VERSION_INFO_BYTES);
    }
}
