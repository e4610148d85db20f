package dev.netcode.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;

/**
 * A {@link Transport} over a real UDP socket: a non-blocking {@link DatagramChannel} plus a
 * {@link Selector}, so that a server loop can sleep in {@link #awaitDatagram} until a packet
 * arrives or its next tick is due, and another thread can cut that sleep short with
 * {@link #wakeup}.
 *
 * <p>Socket family follows the bind address. An IPv4 address gives an IPv4 socket. An IPv6
 * address gives an IPv6 socket; the IPv6 wildcard {@code [::]} is deliberately dual-stack, so one
 * socket serves IPv4 and IPv6 clients (IPv4 sources arrive IPv4-mapped and are reported as plain
 * IPv4, because {@link NetcodeAddress} normalises them, and replies to IPv4 addresses work). Java
 * has no {@code IPV6_V6ONLY} option; a socket bound to a specific IPv6 address only ever sees
 * IPv6 traffic, so it behaves as v6-only anyway.
 *
 * <p>The hot path allocates nothing of its own: one direct buffer for receiving, one byte array
 * handed to the handler, one direct buffer for sending, and a small cache so that a peer's
 * {@code NetcodeAddress} is built once rather than per packet (the destination's
 * {@code InetSocketAddress} is kept by the {@code NetcodeAddress} itself). The JDK still decodes each
 * sender address, and allocates a new {@code InetSocketAddress} for it unless the sender repeats
 * (about 120 bytes per datagram when senders alternate); that is the JDK's, not avoidable here.
 *
 * <p>Network errors never escape (see {@link Transport}): receive errors such as an ICMP port
 * unreachable mean "no datagram" and the socket stays usable, send errors are counted in
 * {@link #sendErrors()}. Only binding can fail, with an {@link UncheckedIOException}.
 */
public final class UdpTransport implements Transport {

    /**
     * Receive buffer size: larger than {@link NetcodeProtocol#MAX_PACKET_BYTES}, so that a datagram
     * too big for netcode arrives with its real length (or, beyond an Ethernet payload, truncated
     * to this size) and the packet reader, which checks exact sizes, rejects it.
     */
    public static final int RECEIVE_BUFFER_BYTES = 1501;

    /**
     * The socket buffer size asked for by default, for each of receive and send: the reference's
     * 4 MiB, so that bursts from many clients are not dropped.
     */
    public static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    /** Below this (or below the size asked for, if smaller), halving a refused socket buffer size stops. */
    public static final int MIN_SOCKET_BUFFER_BYTES = 256 * 1024;

    /** The smallest socket buffer size that may be asked for: room for one netcode packet. */
    public static final int MIN_REQUESTED_SOCKET_BUFFER_BYTES = NetcodeProtocol.MAX_PACKET_BYTES;

    /** The largest socket buffer size that may be asked for (Linux doubles the value in an int). */
    public static final int MAX_REQUESTED_SOCKET_BUFFER_BYTES = 1024 * 1024 * 1024;

    /**
     * Of the sender cache of every UDP transport; a server sees at most a few thousand distinct peers between
     * clears.
     */
    public static final int ADDRESS_CACHE_LIMIT = 4096;

    /** Errors in one {@link #receive} call after which it gives up until the next call. */
    static final int MAX_RECEIVE_ERRORS_PER_CALL = 16;

    private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);

    private final DatagramChannel channel;
    private final Selector selector;
    private final NetcodeAddress localAddress;
    private final boolean dualStack;
    private final SocketBufferSizes socketBuffers;
    private final ReceiveCoalescing coalescing;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
    private final byte[] receiveBytes = new byte[RECEIVE_BUFFER_BYTES];
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);

    private final Map<SocketAddress, NetcodeAddress> sourceCache = new HashMap<>();
    private SocketAddress lastSource;
    private NetcodeAddress lastSourceAddress;

    // Written by the I/O thread only; volatile so that metrics read from other threads stay current.
    private volatile long sendErrors;
    private volatile long receiveErrors;

    private UdpTransport(DatagramChannel channel, Selector selector, NetcodeAddress localAddress, boolean dualStack,
            SocketBufferSizes socketBuffers, ReceiveCoalescing coalescing) {
        this.channel = channel;
        this.selector = selector;
        this.localAddress = localAddress;
        this.dualStack = dualStack;
        this.socketBuffers = socketBuffers;
        this.coalescing = coalescing;
    }

    /**
     * Opens a non-blocking UDP socket bound to {@code bindAddress}; port 0 picks a free port,
     * which {@link #localAddress()} then reports.
     *
     * Asks for {@link #SOCKET_BUFFER_BYTES} socket buffers.
     *
     * @throws UncheckedIOException if the socket cannot be opened or bound (port in use, address
     *         not local, IPv6 unavailable); the message names the address
     */
    public static UdpTransport bind(NetcodeAddress bindAddress) {
        return bind(bindAddress, SOCKET_BUFFER_BYTES);
    }

    /**
     * Opens a non-blocking UDP socket bound to {@code bindAddress}, asking the OS for receive and
     * send buffers of {@code socketBufferBytes} each; what it granted is in {@link #socketBuffers()}.
     *
     * @throws IllegalArgumentException if {@code socketBufferBytes} is outside
     *         {@link #MIN_REQUESTED_SOCKET_BUFFER_BYTES} to {@link #MAX_REQUESTED_SOCKET_BUFFER_BYTES}
     * @throws UncheckedIOException if the socket cannot be opened or bound (port in use, address
     *         not local, IPv6 unavailable); the message names the address
     */
    public static UdpTransport bind(NetcodeAddress bindAddress, int socketBufferBytes) {
        return bind(bindAddress, new TransportOptions(socketBufferBytes, false, Duration.ZERO));
    }

    /**
     * Opens a non-blocking UDP socket bound to {@code bindAddress} with {@code options}: buffers as
     * in {@link #bind(NetcodeAddress, int)}, and {@code SO_REUSEPORT} set before the bind when asked.
     *
     * @throws IllegalArgumentException if the buffer size is out of range
     * @throws UnsupportedOperationException if port sharing is asked for on an OS without {@code SO_REUSEPORT}
     * @throws UncheckedIOException if the socket cannot be opened or bound; the message names the address
     */
    public static UdpTransport bind(NetcodeAddress bindAddress, TransportOptions options) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        int socketBufferBytes = checkSocketBufferBytes(options.socketBufferBytes());
        boolean ipv6 = bindAddress.isIpv6();
        boolean dualStack = ipv6 && isWildcard(bindAddress);
        DatagramChannel channel = null;
        Selector selector = null;
        try {
            channel = DatagramChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            int sendBytes = setBufferSize(channel, StandardSocketOptions.SO_SNDBUF, socketBufferBytes);
            int receiveBytes = setBufferSize(channel, StandardSocketOptions.SO_RCVBUF, socketBufferBytes);
            if (options.reusePort()) {
                if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this OS; run one shard");
                }
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(bindAddress.toInetSocketAddress());
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            UdpTransport transport = new UdpTransport(channel, selector, bindAddress.withPort(port), dualStack,
                    new SocketBufferSizes(socketBufferBytes, receiveBytes, sendBytes), options.newReceiveCoalescing());
            log.debug("netcode UDP transport bound to {}{}", transport.localAddress, dualStack ? " (dual-stack IPv6/IPv4)" : "");
            return transport;
        }
        catch (IOException ex) {
            closeQuietly(selector);
            closeQuietly(channel);
            throw new UncheckedIOException("cannot bind netcode UDP transport to " + bindAddress + ": " + ex.getMessage(), ex);
        }
        catch (RuntimeException ex) {
            closeQuietly(selector);
            closeQuietly(channel);
            throw ex;
        }
    }

    /**
     * Returns {@code socketBufferBytes} if {@link #bind(NetcodeAddress, int)} accepts it.
     *
     * @throws IllegalArgumentException if it is outside {@link #MIN_REQUESTED_SOCKET_BUFFER_BYTES} to
     *         {@link #MAX_REQUESTED_SOCKET_BUFFER_BYTES}
     */
    public static int checkSocketBufferBytes(int socketBufferBytes) {
        if (socketBufferBytes < MIN_REQUESTED_SOCKET_BUFFER_BYTES || socketBufferBytes > MAX_REQUESTED_SOCKET_BUFFER_BYTES) {
            throw new IllegalArgumentException("socket buffer size must be " + MIN_REQUESTED_SOCKET_BUFFER_BYTES + ".."
                    + MAX_REQUESTED_SOCKET_BUFFER_BYTES + " bytes, got " + socketBufferBytes);
        }
        return socketBufferBytes;
    }

    private static boolean isWildcard(NetcodeAddress address) {
        for (byte b : address.ip()) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Asks for {@code requested} bytes, halving on refusal, and returns what the OS reports it
     * granted. Linux clamps silently to its {@code rmem_max}/{@code wmem_max} instead of refusing
     * (see {@link SocketBufferSizes}), so only the reported size tells.
     */
    private static int setBufferSize(DatagramChannel channel, SocketOption<Integer> option, int requested)
            throws IOException {
        int floor = Math.min(requested, MIN_SOCKET_BUFFER_BYTES);
        for (int size = requested; size >= floor; size /= 2) {
            try {
                channel.setOption(option, size);
                int granted = channel.getOption(option);
                log.debug("netcode UDP {} requested {} bytes, OS gives {}", option.name(), size, granted);
                return granted;
            }
            catch (IOException | IllegalArgumentException ex) {
                log.debug("netcode UDP {} of {} bytes refused: {}", option.name(), size, ex.toString());
            }
        }
        log.debug("netcode UDP {} left at the OS default", option.name());
        return channel.getOption(option);
    }

    @Override
    public NetcodeAddress localAddress() {
        return localAddress;
    }

    /** The socket buffer sizes asked for and granted when this socket was bound. */
    @Override
    public SocketBufferSizes socketBuffers() {
        return socketBuffers;
    }

    /** The receive buffer ({@code SO_RCVBUF}) the OS granted, as {@code getOption} reports it (the size accepted). */
    public int receiveBufferBytes() {
        return socketBuffers.receiveBytes();
    }

    /** The send buffer ({@code SO_SNDBUF}) the OS granted, as {@code getOption} reports it (the size accepted). */
    public int sendBufferBytes() {
        return socketBuffers.sendBytes();
    }

    /** Whether this socket also carries IPv4 (bound to the IPv6 wildcard). */
    public boolean isDualStack() {
        return dualStack;
    }

    @Override
    public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
        Objects.requireNonNull(to, "to");
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (closed.get()) {
            return;
        }
        ByteBuffer data;
        if (length <= sendBuffer.capacity()) {
            data = sendBuffer.clear();
            data.put(buf, offset, length).flip();
        }
        else {
            // Never from netcode itself (its packets are at most 1300 bytes); let the JDK copy it.
            data = ByteBuffer.wrap(buf, offset, length);
        }
        try {
            if (channel.send(data, to.toInetSocketAddress()) == 0) {
                // Non-blocking and the socket buffer is full: the datagram is dropped, as UDP may.
                sendErrors++;
                log.debug("netcode UDP send of {} bytes to {} dropped: socket buffer full", length, to);
            }
        }
        catch (ClosedChannelException ex) {
            // Closed by another thread meanwhile; sending after close is a no-op.
        }
        catch (IOException | UnsupportedAddressTypeException ex) {
            // The latter: an IPv6 destination on an IPv4 socket.
            sendErrors++;
            log.debug("netcode UDP send of {} bytes to {} failed: {}", length, to, ex.toString());
        }
    }

    @Override
    public int receive(DatagramHandler handler, int max) {
        int count = 0;
        int errors = 0;
        while (count < max && !closed.get()) {
            SocketAddress source;
            try {
                source = channel.receive(receiveBuffer.clear());
            }
            catch (ClosedChannelException ex) {
                coalescing.afterReceive(count, false);
                return count;
            }
            catch (IOException ex) {
                // An ICMP error reported on the socket, for instance (netcode #113): it concerns an
                // earlier send, not this read, so carry on with the datagrams behind it, within reason.
                receiveErrors++;
                log.debug("netcode UDP receive on {} failed: {}", localAddress, ex.toString());
                if (++errors >= MAX_RECEIVE_ERRORS_PER_CALL) {
                    coalescing.afterReceive(count, false);
                    return count;
                }
                continue;
            }
            if (source == null) {
                coalescing.afterReceive(count, true);
                return count;
            }
            int length = receiveBuffer.flip().remaining();
            receiveBuffer.get(receiveBytes, 0, length);
            handler.onDatagram(addressOf(source), receiveBytes, 0, length);
            count++;
        }
        coalescing.afterReceive(count, false);
        return count;
    }

    @Override
    public void awaitDatagram(long timeoutMillis) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (closed.get() || coalescing.pause(timeoutMillis)) {
            return;
        }
        try {
            if (timeoutMillis <= 0) {
                selector.selectNow();
            }
            else {
                selector.select(timeoutMillis);
            }
            selector.selectedKeys().clear();
        }
        catch (ClosedSelectorException ex) {
            return;
        }
        catch (IOException ex) {
            log.debug("netcode UDP select on {} failed: {}", localAddress, ex.toString());
        }
        // An interrupt ends select() early without an exception; report it the usual way.
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
        if (!closed.get()) {
            selector.wakeup();
        }
    }

    /** Datagrams that failed to go out: socket errors, unreachable or wrong-family destinations, full socket buffer. */
    @Override
    public long sendErrors() {
        return sendErrors;
    }

    /** Errors reported by receive calls (each read as "no datagram"). */
    public long receiveErrors() {
        return receiveErrors;
    }

    /** Closes the socket; later sends are ignored and receives return 0. Safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        coalescing.wakeup();
        closeQuietly(channel);
        closeQuietly(selector);
        log.debug("netcode UDP transport on {} closed", localAddress);
    }

    private NetcodeAddress addressOf(SocketAddress source) {
        if (source == lastSource) {
            return lastSourceAddress;
        }
        NetcodeAddress address = sourceCache.get(source);
        if (address == null) {
            if (sourceCache.size() >= ADDRESS_CACHE_LIMIT) {
                sourceCache.clear();
            }
            address = NetcodeAddress.of((InetSocketAddress) source);
            sourceCache.put(source, address);
        }
        lastSource = source;
        lastSourceAddress = address;
        return address;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        }
        catch (Exception ex) {
            log.debug("netcode UDP transport: error while closing: {}", ex.toString());
        }
    }

    @Override
    public String toString() {
        return "UdpTransport[" + localAddress + (dualStack ? ", dual-stack" : "") + (closed.get() ? ", closed" : "") + "]";
    }
}
