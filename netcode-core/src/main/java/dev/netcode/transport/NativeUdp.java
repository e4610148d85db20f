package dev.netcode.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.NativeLibraries;

/**
 * The JNI functions of {@code src/main/c/netcode_udp.c}, behind {@link NativeUdpTransport}: a Linux
 * UDP socket read with {@code recvmmsg} and written with {@code sendmmsg}, and a {@code poll} that an
 * eventfd cuts short.
 *
 * <p>Datagrams travel in direct buffers (native byte order) of {@link #SLOT_BYTES}-byte slots:
 * <pre>
 *  0  int  length      payload bytes (received: capped at {@link #MAX_PAYLOAD_BYTES})
 *  4  int  family      4 or 6 (an IPv4-mapped sender arrives as 4)
 *  8  int  port
 * 12  int  flags       received: {@link #FLAG_TRUNCATED}
 * 16  16 bytes ip      network order; IPv4 in the first 4, the rest zero
 * 32  payload
 * </pre>
 * The functions check every argument (buffer direct and large enough for the slots asked for, counts
 * 1..{@link #MAX_BATCH}, families, lengths) and return {@code -EINVAL} rather than touch memory
 * outside the buffer; results below zero are {@code -errno}.
 *
 * <p>Where the library is missing or fails to load, {@link #AVAILABLE} is {@code false}; the system
 * property {@value #ENABLED_PROPERTY} set to {@code false} forces that.
 */
final class NativeUdp {

    static final String ENABLED_PROPERTY = "netcode.transport.jni";
    static final String LIBRARY = "netcode_udp";

    static final int SLOT_BYTES = 1536;
    static final int SLOT_LENGTH = 0;
    static final int SLOT_FAMILY = 4;
    static final int SLOT_PORT = 8;
    static final int SLOT_FLAGS = 12;
    static final int SLOT_IP = 16;
    static final int SLOT_PAYLOAD = 32;
    /** As {@link UdpTransport#RECEIVE_BUFFER_BYTES}: longer datagrams arrive truncated to it. */
    static final int MAX_PAYLOAD_BYTES = UdpTransport.RECEIVE_BUFFER_BYTES;
    /** Datagrams per {@code recvmmsg} / {@code sendmmsg} call. */
    static final int MAX_BATCH = 64;
    static final int FLAG_TRUNCATED = 1;
    /** {@link #open}'s results: socket, eventfd, bound port, receive and send buffer accepted. */
    static final int OPEN_RESULTS = 5;

    static final int EINVAL = 22;
    /** bind(2)'s errors that the JDK reports as {@link java.net.BindException} (the C side asserts the values). */
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;

    private static final Logger log = LoggerFactory.getLogger(NativeUdp.class);

    /** Why the library is not loaded, or {@code null} when it is. */
    static final String UNAVAILABILITY_REASON = load();

    /** Whether the functions below can be called. */
    static final boolean AVAILABLE = UNAVAILABILITY_REASON == null;

    private NativeUdp() {
    }

    /**
     * Opens a non-blocking UDP socket (IPv4 for a 4-byte {@code ip}, IPv6 for 16; the IPv6 wildcard
     * dual-stack), asks for {@code bufferBytes} socket buffers, sets {@code SO_REUSEPORT} if asked,
     * binds it and makes its wake-up eventfd. Returns 0 and fills {@code results} (see
     * {@link #OPEN_RESULTS}), or an errno.
     */
    static native int open(byte[] ip, int port, int bufferBytes, boolean reusePort, int[] results);

    /** Receives up to {@code max} datagrams into slots 0.. of {@code slots}: how many, 0 if none waited, or -errno. */
    static native int receive(int fd, ByteBuffer slots, int max);

    /**
     * Sends slots {@code [first, first + count)} of {@code slots} from a socket of {@code socketFamily}
     * (4 or 6): how many went (the datagram after them failed, if fewer), or -errno for slot {@code first}.
     */
    static native int send(int fd, int socketFamily, ByteBuffer slots, int first, int count);

    /**
     * Waits up to {@code timeoutMillis} for a datagram on {@code fd} or a wake-up on {@code wakeFd}
     * (which it then resets): bit 1 readable, bit 2 woken, 0 on timeout, or -errno.
     */
    static native int await(int fd, int wakeFd, int timeoutMillis);

    /** Makes {@link #await} on {@code wakeFd} return: 0 or -errno. */
    static native int wakeup(int wakeFd);

    /** Closes a descriptor: 0 or -errno. */
    static native int close(int fd);

    /** The system's words for an errno. */
    static native String errorText(int errno);

    private static String load() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return "it needs Linux (recvmmsg/sendmmsg), this is " + System.getProperty("os.name");
        }
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            return "switched off by -D" + ENABLED_PROPERTY + "=false";
        }
        try {
            NativeLibraries.load(NativeUdp.class, LIBRARY);
            log.debug("netcode's native UDP library loaded ({})", NativeLibraries.resource(LIBRARY));
            return null;
        }
        catch (IOException | LinkageError | SecurityException ex) {
            log.debug("netcode's native UDP library not loaded", ex);
            return "its JNI library did not load (" + ex + "); the build compiles it where gcc is installed";
        }
    }
}
