package dev.netcode.transport.epoll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.SocketBufferSizes;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.UdpTransport;
import dev.netcode.transport.UpdateLoop;

/**
 * A {@link Transport} over a Linux UDP socket in Netty's native epoll transport, which reads up to
 * {@value #BATCH_DATAGRAMS} datagrams per {@code recvmmsg} and writes everything sent during one
 * update with one {@code sendmmsg} at {@link #flush()}, instead of one system call per datagram.
 *
 * <p>The socket lives on a single-threaded Netty event loop of its own, and so does the state
 * machine: {@link #newLoop} returns an {@link UpdateLoop} that updates it on that event loop after
 * every batch read, at its deadlines and for every command. A datagram therefore goes from the
 * socket to the state machine and back without changing threads, and the state machine stays
 * single-threaded. {@link #send}, {@link #receive} and {@link #flush} must be called on that event
 * loop, which is where the loop calls the state machine; {@link #receive} elsewhere is refused.
 *
 * <p>Socket family follows the bind address as in {@link UdpTransport}: the IPv6 wildcard is
 * dual-stack. Datagrams longer than {@link UdpTransport#RECEIVE_BUFFER_BYTES} are truncated to
 * it, so the packet reader rejects them as it does on the JDK transport. Network errors never
 * escape: a send that fails or finds the socket's queue full is dropped and counted in
 * {@link #sendErrors()}. Only binding can fail, with an {@link UncheckedIOException}.
 *
 * <p>Sending allocates nothing per datagram: it copies into one of up to {@value #POOLED_SENDS}
 * reusable outgoing datagrams (each with its own direct buffer), which Netty hands back when it has
 * written it; the destination's {@link InetSocketAddress} is the one its {@link NetcodeAddress} keeps.
 * Receiving, Netty itself builds a packet object and the sender's address for every
 * datagram (see {@link #receive}); the sender's {@link NetcodeAddress} comes from a cache.
 */
public final class EpollTransport implements Transport {

    /** Datagrams read by one {@code recvmmsg}: the receive allocator hands out room for this many. */
    public static final int BATCH_DATAGRAMS = 64;

    /** Sends held back before {@link #flush()} is forced, so one update cannot queue without bound. */
    static final int MAX_UNFLUSHED_SENDS = 1024;

    /** Received datagrams waiting for the state machine, beyond which new ones are dropped and counted. */
    static final int MAX_PENDING_DATAGRAMS = 4096;

    /**
     * Outgoing datagrams kept for reuse: enough for the largest batch one flush writes. Beyond that many
     * in flight (a socket that stopped draining) a send allocates a one-off datagram, as Netty's own do.
     */
    static final int POOLED_SENDS = MAX_UNFLUSHED_SENDS;

    private static final Logger log = LoggerFactory.getLogger(EpollTransport.class);

    private final EventLoopGroup group;
    private final EpollDatagramChannel channel;
    private final EventLoop eventLoop;
    private final NetcodeAddress localAddress;
    private final SocketBufferSizes socketBuffers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ArrayDeque<DatagramPacket> pending = new ArrayDeque<>();
    private final byte[] receiveBytes = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    private final Map<InetSocketAddress, NetcodeAddress> sourceCache = new HashMap<>();
    private int unflushed;
    /** Outgoing datagrams not in flight; on the event loop only. */
    private final ArrayDeque<OutgoingDatagram> idleSends = new ArrayDeque<>();
    private int pooledSends;

    /** Run on the event loop after each batch read: the update loop's update, once one drives this transport. */
    private Runnable onReadComplete = () -> { };

    // Written on the event loop only; volatile so that metrics read from other threads stay current.
    private volatile long sendErrors;
    private volatile long receiveDrops;

    private EpollTransport(EventLoopGroup group, EpollDatagramChannel channel, NetcodeAddress localAddress,
            SocketBufferSizes socketBuffers) {
        this.group = group;
        this.channel = channel;
        this.eventLoop = channel.eventLoop();
        this.localAddress = localAddress;
        this.socketBuffers = socketBuffers;
        // Netty 4.2's default (adaptive) allocator hands each received datagram a new slice object; the
        // pooled one recycles its slices, so receiving allocates that much less per datagram.
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    }

    /** Whether Netty's native epoll library loads on this machine (Linux, x86-64). */
    public static boolean isAvailable() {
        return Epoll.isAvailable();
    }

    /** Why {@link #isAvailable()} is false, or {@code null} when it is true. */
    public static Throwable unavailabilityCause() {
        return Epoll.unavailabilityCause();
    }

    /**
     * Opens a UDP socket bound to {@code bindAddress} on an event loop of its own; port 0 picks a
     * free port, which {@link #localAddress()} then reports.
     *
     * @throws IllegalStateException if the native epoll library is not available here
     * @throws UncheckedIOException if the socket cannot be opened or bound; the message names the address
     */
    public static EpollTransport bind(NetcodeAddress bindAddress) {
        return bind(bindAddress, TransportOptions.defaults());
    }

    /**
     * Opens a UDP socket bound to {@code bindAddress} with {@code options} (buffer sizes checked as
     * {@link UdpTransport#checkSocketBufferBytes}, {@code SO_REUSEPORT} set before the bind when asked).
     *
     * @throws IllegalStateException if the native epoll library is not available here
     * @throws IllegalArgumentException if the buffer size is out of range
     * @throws UncheckedIOException if the socket cannot be opened or bound; the message names the address
     */
    public static EpollTransport bind(NetcodeAddress bindAddress, TransportOptions options) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        int socketBufferBytes = UdpTransport.checkSocketBufferBytes(options.socketBufferBytes());
        if (!isAvailable()) {
            throw new IllegalStateException("the native epoll transport is not available here (" + unavailabilityCause()
                    + "); use the JDK UDP transport");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netcode-epoll", true),
                EpollIoHandler.newFactory());
        EpollDatagramChannel channel = new EpollDatagramChannel(
                bindAddress.isIpv6() ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
        try {
            // A positive maximum datagram size plus room for several in the read buffer is what makes
            // Netty read with recvmmsg rather than recvfrom.
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UdpTransport.RECEIVE_BUFFER_BYTES);
            channel.config().setRecvByteBufAllocator(
                    new FixedRecvByteBufAllocator(UdpTransport.RECEIVE_BUFFER_BYTES * BATCH_DATAGRAMS));
            channel.config().setOption(ChannelOption.SO_RCVBUF, socketBufferBytes);
            channel.config().setOption(ChannelOption.SO_SNDBUF, socketBufferBytes);
            channel.config().setOption(EpollChannelOption.SO_REUSEPORT, options.reusePort());
            // Above the high mark the channel reads as unwritable and sends are dropped, as a full
            // socket buffer drops them on the JDK transport, instead of queueing in the heap.
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(512 * 1024, 1024 * 1024));
            group.register(channel).syncUninterruptibly();
            bindChannel(channel, bindAddress);
            int port = channel.localAddress().getPort();
            // Netty reports what getsockopt does, which on Linux is twice the size the kernel accepted (its allowance
            // for per-datagram bookkeeping, see SocketBufferSizes); the JDK halves it for UdpTransport, so halving it
            // here makes the figures, and the server's warning threshold, mean the same on both transports.
            SocketBufferSizes buffers = new SocketBufferSizes(socketBufferBytes,
                    channel.config().getOption(ChannelOption.SO_RCVBUF) / 2,
                    channel.config().getOption(ChannelOption.SO_SNDBUF) / 2);
            EpollTransport transport = new EpollTransport(group, channel, bindAddress.withPort(port), buffers);
            channel.pipeline().addLast(transport.new Inbound());
            log.debug("netcode epoll UDP transport bound to {} ({})", transport.localAddress, buffers);
            return transport;
        }
        catch (Exception ex) {
            // Netty rethrows the socket's IOException undeclared, hence Exception; as UdpTransport.bind, an
            // I/O failure becomes an UncheckedIOException naming the address.
            channel.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (ex instanceof IOException io) {
                throw new UncheckedIOException("cannot bind netcode epoll UDP transport to " + bindAddress + ": "
                        + io.getMessage(), io);
            }
            throw ex instanceof RuntimeException runtime ? runtime : new IllegalStateException(ex);
        }
    }

    /** The socket buffer sizes asked for and, as {@link UdpTransport} reports them, granted. */
    @Override
    public SocketBufferSizes socketBuffers() {
        return socketBuffers;
    }

    /**
     * Binds the channel. Netty reports a failed bind(2) as its own {@link IOException} where the JDK transport throws
     * a {@link BindException}; giving the caller the JDK's type makes a port in use read the same on both transports.
     */
    private static void bindChannel(EpollDatagramChannel channel, NetcodeAddress bindAddress) throws IOException {
        try {
            channel.bind(bindAddress.toInetSocketAddress()).syncUninterruptibly();
        }
        catch (Exception ex) {
            // Netty rethrows the socket's IOException undeclared.
            if (ex instanceof IOException io && !(io instanceof BindException)) {
                BindException bind = new BindException(io.getMessage());
                bind.initCause(io);
                throw bind;
            }
            throw ex;
        }
    }

    @Override
    public NetcodeAddress localAddress() {
        return localAddress;
    }

    @Override
    public UpdateLoop newLoop(String threadName, double startTime, DoubleConsumer update, DoubleSupplier nextUpdateTime,
            Runnable onExit) {
        EpollUpdateLoop loop = new EpollUpdateLoop(threadName, this, eventLoop, startTime, update, nextUpdateTime, onExit);
        eventLoop.execute(() -> onReadComplete = loop::update);
        return loop;
    }

    /** Queues the datagram for the next {@link #flush()}; drops and counts it when the socket's queue is full. */
    @Override
    public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
        Objects.requireNonNull(to, "to");
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (closed.get()) {
            return;
        }
        if (!channel.isWritable()) {
            sendErrors++;
            log.debug("netcode epoll UDP send of {} bytes to {} dropped: socket queue full", length, to);
            return;
        }
        channel.write(outgoing(to.toInetSocketAddress(), buf, offset, length), channel.voidPromise());
        if (++unflushed >= MAX_UNFLUSHED_SENDS) {
            flush();
        }
    }

    private DatagramPacket outgoing(InetSocketAddress to, byte[] buf, int offset, int length) {
        // The pool belongs to the event loop; a send from elsewhere (or one too big) takes a one-off datagram.
        boolean poolable = length <= UdpTransport.RECEIVE_BUFFER_BYTES && eventLoop.inEventLoop();
        OutgoingDatagram reused = poolable ? idleSends.poll() : null;
        if (reused == null && poolable && pooledSends < POOLED_SENDS) {
            reused = new OutgoingDatagram(channel.alloc().directBuffer(UdpTransport.RECEIVE_BUFFER_BYTES));
            pooledSends++;
        }
        if (reused == null) {
            ByteBuf data = channel.alloc().directBuffer(length);
            data.writeBytes(buf, offset, length);
            return new DatagramPacket(data, to);
        }
        reused.recipient = to;
        reused.inFlight = true;
        reused.content().clear().writeBytes(buf, offset, length);
        return reused;
    }

    /** Writes every datagram sent since the last flush, with as few {@code sendmmsg} calls as Netty needs. */
    @Override
    public void flush() {
        if (unflushed > 0) {
            unflushed = 0;
            channel.flush();
        }
    }

    /**
     * Hands the datagrams Netty has read to {@code handler}, each copied into one receive array.
     *
     * <p>What a received datagram still allocates is Netty's: its {@code recvmmsg} reader builds a
     * {@link DatagramPacket} and the sender's {@link InetSocketAddress} (with its {@code InetAddress})
     * for every datagram, about 100 bytes; the pooled allocator recycles the buffer slice. Avoiding
     * those would take a {@code recvmmsg} of our own, decoding the sender's {@code sockaddr} straight
     * into a cached {@link NetcodeAddress}.
     */
    @Override
    public int receive(DatagramHandler handler, int max) {
        if (!eventLoop.inEventLoop()) {
            throw new IllegalStateException("EpollTransport is read on its event loop: drive it with newLoop()");
        }
        int count = 0;
        DatagramPacket packet;
        while (count < max && (packet = pending.poll()) != null) {
            try {
                ByteBuf content = packet.content();
                int length = Math.min(content.readableBytes(), receiveBytes.length);
                content.getBytes(content.readerIndex(), receiveBytes, 0, length);
                handler.onDatagram(addressOf(packet.sender()), receiveBytes, 0, length);
            }
            finally {
                packet.release();
            }
            count++;
        }
        return count;
    }

    /** Whether datagrams are waiting that the last {@link #receive} left for lack of room in its {@code max}. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Datagrams that failed to go out: socket errors, wrong-family destinations, full socket queue. */
    @Override
    public long sendErrors() {
        return sendErrors;
    }

    /** Datagrams dropped on arrival because {@value #MAX_PENDING_DATAGRAMS} were already waiting. */
    public long receiveDrops() {
        return receiveDrops;
    }

    /** Closes the socket and ends its event loop; later sends are ignored. Safe to call more than once, from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // What was sent since the last flush leaves first: a state machine's close sends its disconnect packets.
        channel.flush();
        channel.close();
        if (eventLoop.inEventLoop()) {
            releasePending();
        }
        else {
            // Before the shutdown, which may end the loop at once (no quiet period) and would then refuse the task.
            eventLoop.execute(this::releasePending);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        log.debug("netcode epoll UDP transport on {} closed", localAddress);
    }

    private void releasePending() {
        DatagramPacket packet;
        while ((packet = pending.poll()) != null) {
            packet.release();
        }
        OutgoingDatagram idle;
        while ((idle = idleSends.poll()) != null) {
            idle.free();
        }
    }

    private NetcodeAddress addressOf(InetSocketAddress source) {
        NetcodeAddress address = sourceCache.get(source);
        if (address == null) {
            if (sourceCache.size() >= UdpTransport.ADDRESS_CACHE_LIMIT) {
                sourceCache.clear();
            }
            address = NetcodeAddress.of(source);
            sourceCache.put(source, address);
        }
        return address;
    }

    @Override
    public String toString() {
        return "EpollTransport[" + localAddress + (closed.get() ? ", closed" : "") + "]";
    }

    /**
     * A reusable outgoing datagram: its buffer stays allocated, and its destination is set per send.
     * Netty releases what it has written (or failed to write, or dropped on close) on the event loop;
     * for this one that means "idle again", and after close it frees the buffer for real. Netty's
     * writers read the destination through {@link #recipient()}, which returns the field set per send.
     */
    private final class OutgoingDatagram extends DatagramPacket {

        private InetSocketAddress recipient;
        /** Whether Netty holds it; a second release of the same write must not hand it out twice. */
        private boolean inFlight;

        OutgoingDatagram(ByteBuf buffer) {
            // The super class wants a recipient; ours is per send.
            super(buffer, localAddress.toInetSocketAddress());
        }

        @Override
        public InetSocketAddress recipient() {
            return recipient;
        }

        @Override
        public boolean release() {
            if (!inFlight) {
                return false;
            }
            inFlight = false;
            recipient = null;
            if (closed.get()) {
                free();
            }
            else {
                idleSends.push(this);
            }
            return false;
        }

        @Override
        public boolean release(int decrement) {
            return release();
        }

        void free() {
            if (content().refCnt() > 0) {
                content().release();
            }
        }
    }

    /** Collects a read batch for the state machine and updates it once the batch is complete. */
    private final class Inbound extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (closed.get() || pending.size() >= MAX_PENDING_DATAGRAMS) {
                receiveDrops++;
                packet.release();
                return;
            }
            pending.add(packet);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            onReadComplete.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed write (voidPromise reports here) or a socket error: counted, never fatal.
            sendErrors++;
            log.debug("netcode epoll UDP transport on {}: {}", localAddress, cause.toString());
        }
    }
}
