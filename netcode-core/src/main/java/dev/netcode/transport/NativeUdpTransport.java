package dev.netcode.transport;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.address.NetcodeAddress;

/**
 * A {@link Transport} over a Linux UDP socket driven through netcode's own JNI library
 * ({@link NativeUdp}): one {@code recvmmsg} receives up to {@value NativeUdp#MAX_BATCH} datagrams,
 * {@link #send} only stages a datagram and {@link #flush} puts everything staged on the wire with one
 * {@code sendmmsg} per {@value NativeUdp#MAX_BATCH}. The ordinary {@link TransportLoop} drives it:
 * {@link #awaitDatagram} is a {@code poll} on the socket and an eventfd that {@link #wakeup} writes.
 *
 * <p>Unlike {@link UdpTransport} (the JDK decodes every sender into a new {@code InetSocketAddress}
 * when senders alternate) nothing here allocates per datagram: the kernel writes straight into two
 * preallocated direct buffers, and a sender's {@link NetcodeAddress} comes from a cache keyed by the
 * raw address bytes (built once per peer, cleared when it reaches {@link UdpTransport#ADDRESS_CACHE_LIMIT}).
 *
 * <p>Semantics otherwise equal {@link UdpTransport}'s: socket family from the bind address, the IPv6
 * wildcard dual-stack, datagrams longer than {@link UdpTransport#RECEIVE_BUFFER_BYTES} truncated to it,
 * network errors counted, never thrown (a full socket buffer drops the datagram and counts it in
 * {@link #sendErrors()}, as does an IPv6 destination on an IPv4 socket).
 *
 * <p>Threads: one loop thread calls {@link #send}, {@link #flush}, {@link #receive} and
 * {@link #awaitDatagram}; any thread may call {@link #wakeup} and {@link #close}. The descriptors are
 * closed only once no call can use them any more (by the waiting thread, if it was waiting), so a
 * descriptor number the OS hands out again is never written to by mistake.
 */
public final class NativeUdpTransport implements Transport {

    /** Datagrams {@link #send} can hold before it flushes by itself. */
    static final int STAGING_SLOTS = NativeUdp.MAX_BATCH;

    /** Open-addressing table of the sender cache: twice the entries it may hold. */
    private static final int SOURCE_TABLE_SIZE = Integer.highestOneBit(UdpTransport.ADDRESS_CACHE_LIMIT) * 2 * 2;

    private static final Logger log = LoggerFactory.getLogger(NativeUdpTransport.class);

    private final int fd;
    private final int wakeFd;
    private final int socketFamily;
    private final NetcodeAddress localAddress;
    private final boolean dualStack;
    private final SocketBufferSizes socketBuffers;
    private final ReceiveCoalescing coalescing;

    /** Guards the descriptors' lifetime: {@link #closed}, {@link #waiting}, closing them. */
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private boolean waiting;
    private boolean descriptorsClosed;

    private final ByteBuffer receiveSlots = slots(NativeUdp.MAX_BATCH);
    private final byte[] receiveBytes = new byte[NativeUdp.MAX_PAYLOAD_BYTES];
    private final ByteBuffer sendSlots = slots(STAGING_SLOTS);
    private int staged;
    private final byte[] encodedTarget = new byte[NetcodeAddress.IPV6_ENCODED_BYTES];

    // The sender cache: key (the slot's family and port, its 16 address bytes as two longs) -> address.
    private final int[] sourceFamilyPort = new int[SOURCE_TABLE_SIZE];
    private final long[] sourceHigh = new long[SOURCE_TABLE_SIZE];
    private final long[] sourceLow = new long[SOURCE_TABLE_SIZE];
    private final NetcodeAddress[] sourceAddress = new NetcodeAddress[SOURCE_TABLE_SIZE];
    private int sourceCount;

    // Written by the loop thread only; volatile so that metrics read from other threads stay current.
    private volatile long sendErrors;
    private volatile long receiveErrors;
    private volatile long truncatedDatagrams;

    private NativeUdpTransport(int[] opened, NetcodeAddress bindAddress, boolean dualStack, int requestedBufferBytes,
            ReceiveCoalescing coalescing) {
        this.fd = opened[0];
        this.wakeFd = opened[1];
        this.socketFamily = bindAddress.isIpv6() ? 6 : 4;
        this.localAddress = bindAddress.withPort(opened[2]);
        this.dualStack = dualStack;
        this.socketBuffers = new SocketBufferSizes(requestedBufferBytes, opened[3], opened[4]);
        this.coalescing = coalescing;
    }

    /** Whether this transport can bind here: Linux, with netcode's native UDP library loaded. */
    public static boolean isAvailable() {
        return NativeUdp.AVAILABLE;
    }

    /** Why {@link #isAvailable()} is false, or {@code null} when it is true. */
    public static String unavailabilityReason() {
        return NativeUdp.UNAVAILABILITY_REASON;
    }

    /**
     * Opens a non-blocking UDP socket bound to {@code bindAddress} with {@code options} (buffers
     * checked as {@link UdpTransport#checkSocketBufferBytes}, {@code SO_REUSEPORT} before the bind when asked).
     *
     * @throws IllegalStateException if the native library is not available here (the message says why)
     * @throws IllegalArgumentException if the buffer size is out of range
     * @throws UncheckedIOException if the socket cannot be opened or bound; the message names the address
     */
    public static NativeUdpTransport bind(NetcodeAddress bindAddress, TransportOptions options) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        int bufferBytes = UdpTransport.checkSocketBufferBytes(options.socketBufferBytes());
        if (!NativeUdp.AVAILABLE) {
            throw new IllegalStateException("the native UDP transport is not available: " + NativeUdp.UNAVAILABILITY_REASON);
        }
        byte[] ip = bindAddress.ip();
        int[] opened = new int[NativeUdp.OPEN_RESULTS];
        int error = NativeUdp.open(ip, bindAddress.port(), bufferBytes, options.reusePort(), opened);
        if (error != 0) {
            String reason = NativeUdp.errorText(error);
            // As the JDK reports it: callers (the starter's failure analysis) tell a port in use by the type.
            IOException cause = (error == NativeUdp.EADDRINUSE || error == NativeUdp.EADDRNOTAVAIL)
                    ? new BindException(reason) : new IOException(reason);
            throw new UncheckedIOException("cannot bind netcode native UDP transport to " + bindAddress + ": " + reason,
                    cause);
        }
        boolean dualStack = ip.length == 16 && Arrays.equals(ip, new byte[16]);
        NativeUdpTransport transport = new NativeUdpTransport(opened, bindAddress, dualStack, bufferBytes,
                options.newReceiveCoalescing());
        log.debug("netcode native UDP transport bound to {}{}", transport.localAddress,
                dualStack ? " (dual-stack IPv6/IPv4)" : "");
        return transport;
    }

    private static ByteBuffer slots(int count) {
        return ByteBuffer.allocateDirect(count * NativeUdp.SLOT_BYTES).order(ByteOrder.nativeOrder());
    }

    @Override
    public NetcodeAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketBufferSizes socketBuffers() {
        return socketBuffers;
    }

    /** Whether this socket also carries IPv4 (bound to the IPv6 wildcard). */
    public boolean isDualStack() {
        return dualStack;
    }

    @Override
    public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
        Objects.requireNonNull(to, "to");
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (closed) {
            return;
        }
        if (length > NativeUdp.MAX_PAYLOAD_BYTES) {
            // Never from netcode itself (its packets are at most 1300 bytes).
            sendErrors++;
            log.debug("netcode native UDP send of {} bytes to {} dropped: longer than {}", length, to,
                    NativeUdp.MAX_PAYLOAD_BYTES);
            return;
        }
        int slot = staged * NativeUdp.SLOT_BYTES;
        sendSlots.putInt(slot + NativeUdp.SLOT_LENGTH, length);
        sendSlots.putInt(slot + NativeUdp.SLOT_PORT, to.port());
        // NetcodeAddress hands out its bytes only as a copy or in the token encoding; the latter costs nothing.
        to.write(encodedTarget, 0);
        if (to.isIpv6()) {
            sendSlots.putInt(slot + NativeUdp.SLOT_FAMILY, 6);
            for (int i = 0; i < 16; i++) {
                // The token encoding stores each 16-bit group little-endian.
                sendSlots.put(slot + NativeUdp.SLOT_IP + i, encodedTarget[1 + (i ^ 1)]);
            }
        }
        else {
            sendSlots.putInt(slot + NativeUdp.SLOT_FAMILY, 4);
            sendSlots.put(slot + NativeUdp.SLOT_IP, encodedTarget, 1, 4);
        }
        sendSlots.put(slot + NativeUdp.SLOT_PAYLOAD, buf, offset, length);
        if (++staged == STAGING_SLOTS) {
            flush();
        }
    }

    /** Sends what {@link #send} staged: one {@code sendmmsg}, plus one more after each datagram that fails. */
    @Override
    public void flush() {
        int count = staged;
        if (count == 0) {
            return;
        }
        staged = 0;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            int first = 0;
            while (first < count) {
                int sent = NativeUdp.send(fd, socketFamily, sendSlots, first, count - first);
                if (sent > 0) {
                    first += sent;
                }
                else {
                    // Full socket buffer (EAGAIN), wrong-family or unreachable destination: drop this one, go on.
                    sendErrors++;
                    if (log.isDebugEnabled()) {
                        log.debug("netcode native UDP send to {} failed: {}", stagedTarget(first),
                                NativeUdp.errorText(-sent));
                    }
                    first++;
                }
            }
        }
    }

    @Override
    public int receive(DatagramHandler handler, int max) {
        int count = 0;
        int errors = 0;
        while (count < max) {
            int asked = Math.min(max - count, NativeUdp.MAX_BATCH);
            int received;
            synchronized (lifecycle) {
                if (closed) {
                    coalescing.afterReceive(count, false);
                    return count;
                }
                received = NativeUdp.receive(fd, receiveSlots, asked);
            }
            if (received < 0) {
                // An ICMP error reported on the socket, for instance: it concerns an earlier send, not
                // this read, so carry on with the datagrams behind it, within reason.
                receiveErrors++;
                if (log.isDebugEnabled()) {
                    log.debug("netcode native UDP receive on {} failed: {}", localAddress, NativeUdp.errorText(-received));
                }
                if (++errors >= UdpTransport.MAX_RECEIVE_ERRORS_PER_CALL) {
                    coalescing.afterReceive(count, false);
                    return count;
                }
                continue;
            }
            for (int i = 0; i < received; i++) {
                int slot = i * NativeUdp.SLOT_BYTES;
                int length = receiveSlots.getInt(slot + NativeUdp.SLOT_LENGTH);
                if ((receiveSlots.getInt(slot + NativeUdp.SLOT_FLAGS) & NativeUdp.FLAG_TRUNCATED) != 0) {
                    truncatedDatagrams++;
                }
                NetcodeAddress from = sourceOf(slot);
                receiveSlots.get(slot + NativeUdp.SLOT_PAYLOAD, receiveBytes, 0, length);
                if (from != null) {
                    handler.onDatagram(from, receiveBytes, 0, length);
                }
            }
            count += received;
            if (received < asked) {
                coalescing.afterReceive(count, true);
                return count;
            }
        }
        coalescing.afterReceive(count, false);
        return count;
    }

    @Override
    public void awaitDatagram(long timeoutMillis) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (coalescing.pause(timeoutMillis)) {
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            waiting = true;
        }
        int result;
        try {
            result = NativeUdp.await(fd, wakeFd, (int) Math.min(Math.max(timeoutMillis, 0), Integer.MAX_VALUE));
        }
        finally {
            synchronized (lifecycle) {
                waiting = false;
                if (closed) {
                    closeDescriptors();
                }
            }
        }
        if (result < 0) {
            log.debug("netcode native UDP wait on {} failed: {}", localAddress, NativeUdp.errorText(-result));
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    @Override
    public void wakeupAfterPause() {
        if (!coalescing.isPausing()) {
            wakeup();
        }
    }

    @Override
    public void wakeup() {
        coalescing.wakeup();
        synchronized (lifecycle) {
            if (!closed) {
                NativeUdp.wakeup(wakeFd);
            }
        }
    }

    /** Datagrams that failed to go out: full socket buffer, unreachable or wrong-family destinations, too long. */
    @Override
    public long sendErrors() {
        return sendErrors;
    }

    /** Errors reported by receive calls (each read as "no datagram"). */
    public long receiveErrors() {
        return receiveErrors;
    }

    /** Datagrams that arrived longer than {@link UdpTransport#RECEIVE_BUFFER_BYTES} and were cut to it. */
    public long truncatedDatagrams() {
        return truncatedDatagrams;
    }

    /**
     * Closes the socket; later sends are ignored and receives return 0. A thread waiting in
     * {@link #awaitDatagram} returns at once. Safe to call more than once, from any thread.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            coalescing.wakeup();
            if (waiting) {
                // The waiter closes the descriptors when it returns: they must outlive its poll.
                NativeUdp.wakeup(wakeFd);
            }
            else {
                closeDescriptors();
            }
        }
        log.debug("netcode native UDP transport on {} closed", localAddress);
    }

    private void closeDescriptors() {
        if (!descriptorsClosed) {
            descriptorsClosed = true;
            NativeUdp.close(fd);
            NativeUdp.close(wakeFd);
        }
    }

    /** The sender in a receive slot, from the cache; {@code null} for an address family netcode has no use for. */
    private NetcodeAddress sourceOf(int slot) {
        int family = receiveSlots.getInt(slot + NativeUdp.SLOT_FAMILY);
        if (family != 4 && family != 6) {
            return null;
        }
        int familyPort = family << 16 | receiveSlots.getInt(slot + NativeUdp.SLOT_PORT);
        long high = receiveSlots.getLong(slot + NativeUdp.SLOT_IP);
        long low = receiveSlots.getLong(slot + NativeUdp.SLOT_IP + 8);
        int mask = SOURCE_TABLE_SIZE - 1;
        long mixed = (high * 0x9E3779B97F4A7C15L) ^ (low * 0xC2B2AE3D27D4EB4FL) ^ familyPort;
        int index = (int) (mixed ^ (mixed >>> 29)) & mask;
        while (true) {
            NetcodeAddress cached = sourceAddress[index];
            if (cached == null) {
                break;
            }
            if (sourceFamilyPort[index] == familyPort && sourceHigh[index] == high && sourceLow[index] == low) {
                return cached;
            }
            index = (index + 1) & mask;
        }
        if (sourceCount >= UdpTransport.ADDRESS_CACHE_LIMIT) {
            Arrays.fill(sourceAddress, null);
            sourceCount = 0;
            return sourceOf(slot);
        }
        byte[] ip = new byte[family == 4 ? 4 : 16];
        receiveSlots.get(slot + NativeUdp.SLOT_IP, ip);
        NetcodeAddress address = NetcodeAddress.of(ip, familyPort & 0xFFFF);
        sourceFamilyPort[index] = familyPort;
        sourceHigh[index] = high;
        sourceLow[index] = low;
        sourceAddress[index] = address;
        sourceCount++;
        return address;
    }

    /** For a log line: the destination of staged slot {@code index}. */
    private String stagedTarget(int index) {
        int slot = index * NativeUdp.SLOT_BYTES;
        byte[] ip = new byte[sendSlots.getInt(slot + NativeUdp.SLOT_FAMILY) == 6 ? 16 : 4];
        sendSlots.get(slot + NativeUdp.SLOT_IP, ip);
        return NetcodeAddress.of(ip, sendSlots.getInt(slot + NativeUdp.SLOT_PORT)).toString();
    }

    @Override
    public String toString() {
        return "NativeUdpTransport[" + localAddress + (dualStack ? ", dual-stack" : "") + (closed ? ", closed" : "") + "]";
    }
}
