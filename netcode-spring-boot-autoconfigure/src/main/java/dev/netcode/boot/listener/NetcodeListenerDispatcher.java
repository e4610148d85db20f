package dev.netcode.boot.listener;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;

import dev.netcode.NetcodeProtocol;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;

/**
 * The {@link ServerEventHandler} of the auto-configured {@link NetcodeServer}: takes the server's
 * events off its network thread and delivers them, on a pool of listener threads, to the
 * {@link NetcodeListener @NetcodeListener} methods (payloads) and to the application's event
 * listeners ({@link NetcodeClientConnectedEvent}, {@link NetcodeClientDisconnectedEvent}).
 *
 * <h2>Order and isolation</h2>
 * Every slot has its own queue, drained by at most one listener thread at a time, so one client's
 * events arrive in the order the server saw them: connected event, payloads, disconnected event
 * (and then those of the next client in that slot). A queue with work is scheduled on the pool and
 * gives its thread up after a batch, so busy clients share the threads fairly. A slow or blocked
 * listener holds up only its own client (and, while it holds a thread, leaves the other clients
 * one thread fewer); the network thread never waits for a listener, so receiving, keep-alives and
 * timeouts go on as usual.
 *
 * <h2>Back-pressure and errors</h2>
 * A client may have {@code queueCapacity} payloads waiting; a payload that arrives while its queue
 * is full is dropped and counted ({@link #droppedPayloads()}). Connect and disconnect events are
 * never dropped. Whatever a listener (or an {@code @EventListener} for the lifecycle events)
 * throws goes to the {@link NetcodeListenerErrorHandler} and is counted ({@link #listenerErrors()});
 * the thread, the queue and the client carry on. With no {@code @NetcodeListener} methods at all,
 * payloads are ignored, and the lifecycle events are still published.
 *
 * <h2>Allocation</h2>
 * On the network thread a payload is copied into a reusable 1200-byte buffer. Each slot keeps up to
 * 16 spare buffers (about 19 KB, allocated as first needed), and its queue's array grows once to
 * the capacity it needs; so while a client's backlog stays under 16 payloads, receiving a payload
 * allocates nothing. Still allocating: a buffer for each payload beyond that backlog, the session
 * and event objects on every connect and disconnect, and the JDK's lock queue nodes when a lock is
 * contended. On a listener thread, a call allocates nothing of its own: argument arrays are reused
 * per thread and method, the client id is boxed once per session, and a {@code ByteBuffer} argument
 * is the buffer's reusable read-only view. What does allocate: a {@code byte[]} argument (a copy of
 * the payload), anything a user {@link NetcodeArgumentResolver} creates, and every reply or
 * {@link NetcodeSession#send}: a copy of the bytes and the command queued for the server's thread.
 *
 * <h2>Shutdown</h2>
 * {@link #destroy()} runs after the server has stopped (the server's lifecycle stops first, which
 * queues the disconnected events of the clients it disconnects). It waits up to the
 * {@linkplain #setShutdownTimeout shutdown timeout} for the queues to drain, then stops the threads.
 */
public class NetcodeListenerDispatcher implements ServerEventHandler, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(NetcodeListenerDispatcher.class);

    /** Events a thread delivers from one client's queue before it lets other clients go first. */
    private static final int BATCH = 32;

    /** Spare payload buffers a slot keeps for reuse. */
    private static final int SPARE_BUFFERS = 16;

    private final NetcodeListenerRegistry registry;
    private final Supplier<NetcodeServer> serverSupplier;
    private final ApplicationEventPublisher publisher;
    private final NetcodeListenerErrorHandler errorHandler;
    private final int threadCount;
    private final int queueCapacity;
    private final int spareBuffers;

    /** One queue per slot index, created on the network thread when the slot is first used. */
    private final AtomicReferenceArray<ClientQueue> queues = new AtomicReferenceArray<>(ServerConfig.MAX_CLIENTS_LIMIT);

    /** The session in each slot; touched on the network thread only. */
    private final NetcodeSession[] sessions = new NetcodeSession[ServerConfig.MAX_CLIENTS_LIMIT];

    /** Queues with work and no thread; each queue is in here at most once, so it never fills up. */
    private final ArrayBlockingQueue<ClientQueue> ready = new ArrayBlockingQueue<>(ServerConfig.MAX_CLIENTS_LIMIT);

    private final AtomicLong listenerErrors = new AtomicLong();
    private final AtomicLong droppedPayloads = new AtomicLong();
    private final Object lifecycleMonitor = new Object();

    private volatile int queueLimit;
    private volatile @Nullable NetcodeServer server;
    private volatile Thread @Nullable [] workers;
    private volatile boolean closed;
    private volatile boolean stopped;
    private volatile Duration shutdownTimeout = Duration.ofSeconds(5);

    /**
     * @param registry the listener methods (read for every payload, frozen before the server starts)
     * @param server the server whose events this handles, asked for on the first connect (it cannot
     *        be passed directly: the server is built with this handler)
     * @param publisher where the lifecycle events go
     * @param errorHandler what happens to listener failures
     * @param threads listener threads, at least 1 (started on the first connect)
     * @param queueCapacity payloads each client may have waiting, at least 1
     */
    public NetcodeListenerDispatcher(NetcodeListenerRegistry registry, Supplier<NetcodeServer> server,
            ApplicationEventPublisher publisher, NetcodeListenerErrorHandler errorHandler, int threads,
            int queueCapacity) {
        if (threads < 1) {
            throw new IllegalArgumentException("netcode listener threads must be at least 1, got " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("netcode listener queue capacity must be at least 1, got " + queueCapacity);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.serverSupplier = Objects.requireNonNull(server, "server");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
        this.threadCount = threads;
        this.queueCapacity = queueCapacity;
        this.spareBuffers = Math.min(SPARE_BUFFERS, queueCapacity);
    }

    /** How long {@link #destroy()} waits for queued events to be delivered; 5 seconds by default. */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "netcode.listener.shutdown-timeout must not be negative, got " + shutdownTimeout);
        }
        this.shutdownTimeout = shutdownTimeout;
    }

    // ---- on the server's network thread ------------------------------------------------------

    @Override
    public void onClientConnected(ClientSlot slot) {
        NetcodeSession session = openSession(slot);
        if (!closed) {
            enqueue(queue(slot.index()), new NetcodeClientConnectedEvent(session));
        }
    }

    @Override
    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
        if (closed || registry.listeners().length == 0) {
            return;
        }
        int index = slot.index();
        NetcodeSession session = sessions[index];
        if (session == null || session.clientId() != slot.clientId()) {
            // Only if this handler was attached to a server that already had clients.
            onClientConnected(slot);
            session = sessions[index];
        }
        ClientQueue queue = queue(index);
        boolean dropped = false;
        boolean schedule = false;
        synchronized (queue) {
            if (queue.payloads >= queueCapacity) {
                dropped = true;
            }
            else {
                PayloadBuffer payload = queue.spare.pollLast();
                if (payload == null) {
                    payload = new PayloadBuffer();
                }
                payload.fill(session, buf, offset, length);
                queue.events.addLast(payload);
                queue.payloads++;
                schedule = queue.schedule();
            }
        }
        if (schedule) {
            ready.offer(queue);
        }
        else if (dropped) {
            droppedPayloads.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("Dropped a payload from client {} in slot {}: {} payloads are waiting for its listeners",
                        Long.toUnsignedString(slot.clientId()), index, queueCapacity);
            }
        }
    }

    @Override
    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
        int index = slot.index();
        NetcodeSession session = sessions[index];
        sessions[index] = null;
        if (session == null || session.clientId() != slot.clientId()) {
            session = NetcodeSession.of(server(), slot);
        }
        session.markDisconnected();
        if (!closed) {
            enqueue(queue(index), new NetcodeClientDisconnectedEvent(session, reason));
        }
    }

    private NetcodeSession openSession(ClientSlot slot) {
        NetcodeSession previous = sessions[slot.index()];
        if (previous != null) {
            previous.markDisconnected();
        }
        NetcodeSession session = NetcodeSession.of(server(), slot);
        sessions[slot.index()] = session;
        return session;
    }

    private NetcodeServer server() {
        NetcodeServer current = server;
        if (current == null) {
            current = Objects.requireNonNull(serverSupplier.get(), "no NetcodeServer");
            server = current;
        }
        return current;
    }

    private ClientQueue queue(int index) {
        ClientQueue queue = queues.get(index);
        if (queue == null) {
            queue = new ClientQueue(Math.min(queueCapacity, 64) + 4);
            queues.set(index, queue);
            queueLimit = Math.max(queueLimit, index + 1);
        }
        return queue;
    }

    private void enqueue(ClientQueue queue, NetcodeClientEvent event) {
        startWorkers();
        boolean schedule;
        synchronized (queue) {
            queue.events.addLast(event);
            schedule = queue.schedule();
        }
        if (schedule) {
            ready.offer(queue);
        }
    }

    private void startWorkers() {
        if (workers != null) {
            return;
        }
        synchronized (lifecycleMonitor) {
            if (workers != null || closed) {
                return;
            }
            Thread[] started = new Thread[threadCount];
            for (int i = 0; i < threadCount; i++) {
                started[i] = new Thread(this::work, "netcode-listener-" + (i + 1));
                started[i].setDaemon(true);
                started[i].start();
            }
            workers = started;
        }
    }

    // ---- on the listener threads -----------------------------------------------------------------

    private void work() {
        Invocation invocation = new Invocation();
        while (!stopped) {
            ClientQueue queue;
            try {
                queue = ready.take();
            }
            catch (InterruptedException ex) {
                continue;
            }
            drain(queue, invocation);
        }
    }

    private void drain(ClientQueue queue, Invocation invocation) {
        PayloadBuffer delivered = null;
        for (int n = 0;; n++) {
            Object event;
            synchronized (queue) {
                if (delivered != null) {
                    queue.recycle(delivered, spareBuffers);
                    delivered = null;
                }
                event = (n < BATCH) ? queue.events.pollFirst() : null;
                if (event == null) {
                    if (n < BATCH || queue.events.isEmpty()) {
                        queue.scheduled = false;
                        return;
                    }
                    break;
                }
                if (event instanceof PayloadBuffer) {
                    queue.payloads--;
                }
            }
            if (event instanceof PayloadBuffer payload) {
                deliver(payload, invocation);
                delivered = payload;
            }
            else {
                publish((NetcodeClientEvent) event);
            }
        }
        // More work after a full batch: back of the line, so other clients get a turn.
        ready.offer(queue);
    }

    private void deliver(PayloadBuffer payload, Invocation invocation) {
        NetcodeListenerMethod[] listeners = registry.listeners();
        NetcodeSession session = Objects.requireNonNull(payload.session);
        invocation.payload = payload;
        try {
            for (int i = 0; i < listeners.length; i++) {
                NetcodeListenerMethod listener = listeners[i];
                try {
                    listener.reply(listener.invoke(invocation, invocation.arguments(i, listener)), session);
                }
                catch (Throwable ex) {
                    listenerErrors.incrementAndGet();
                    try {
                        errorHandler.handleError(session, listener, ex);
                    }
                    catch (Throwable handlerFailure) {
                        log.error("NetcodeListenerErrorHandler failed handling an error of {}", listener,
                                handlerFailure);
                    }
                }
            }
        }
        finally {
            invocation.payload = null;
            payload.session = null;
        }
    }

    private void publish(NetcodeClientEvent event) {
        try {
            publisher.publishEvent(event);
        }
        catch (Throwable ex) {
            listenerErrors.incrementAndGet();
            try {
                errorHandler.handleEventError(event, ex);
            }
            catch (Throwable handlerFailure) {
                log.error("NetcodeListenerErrorHandler failed handling an error publishing {}", event, handlerFailure);
            }
        }
    }

    // ---- statistics ------------------------------------------------------------------------------

    /** Exceptions thrown by listener methods (and lifecycle event listeners) since start-up. */
    public long listenerErrors() {
        return listenerErrors.get();
    }

    /** Payloads dropped since start-up because their client's queue was full. */
    public long droppedPayloads() {
        return droppedPayloads.get();
    }

    /** Payloads waiting in the clients' queues now, across all clients. */
    public int queuedPayloads() {
        int total = 0;
        int limit = queueLimit;
        for (int i = 0; i < limit; i++) {
            ClientQueue queue = queues.get(i);
            if (queue != null) {
                total += queue.payloads;
            }
        }
        return total;
    }

    // ---- shutdown --------------------------------------------------------------------------------

    /**
     * Stops accepting events, waits up to the shutdown timeout for the queued ones to be delivered,
     * then stops the listener threads (interrupting a listener that is still running).
     */
    @Override
    public void destroy() {
        Thread[] threads;
        synchronized (lifecycleMonitor) {
            closed = true;
            threads = workers;
        }
        if (threads == null) {
            return;
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        boolean interrupted = false;
        while (!isIdle() && System.nanoTime() < deadline && !interrupted) {
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        int undelivered = pendingEvents();
        stopped = true;
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            try {
                thread.join(1_000);
            }
            catch (InterruptedException ex) {
                interrupted = true;
                break;
            }
        }
        if (undelivered > 0) {
            log.warn("{} netcode events were still queued when the listener threads stopped ({} shutdown timeout)",
                    undelivered, shutdownTimeout);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isIdle() {
        int limit = queueLimit;
        for (int i = 0; i < limit; i++) {
            ClientQueue queue = queues.get(i);
            if (queue != null) {
                synchronized (queue) {
                    if (queue.scheduled) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private int pendingEvents() {
        int total = 0;
        int limit = queueLimit;
        for (int i = 0; i < limit; i++) {
            ClientQueue queue = queues.get(i);
            if (queue != null) {
                synchronized (queue) {
                    total += queue.events.size();
                }
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return "NetcodeListenerDispatcher[threads=" + threadCount + ", queueCapacity=" + queueCapacity + ", listeners="
                + registry.listeners().length + "]";
    }

    // ---- internals -------------------------------------------------------------------------------

    /** One slot's events, guarded by the queue's monitor. */
    private static final class ClientQueue {

        /** {@link PayloadBuffer}s and {@link NetcodeClientEvent}s, in arrival order. */
        final ArrayDeque<Object> events;

        /** Buffers to reuse. */
        final ArrayDeque<PayloadBuffer> spare = new ArrayDeque<>(SPARE_BUFFERS);

        /** Payloads in {@link #events}; written under the monitor, read by the gauge without it. */
        volatile int payloads;

        /** Whether the queue is in the ready queue or a thread is draining it. */
        boolean scheduled;

        ClientQueue(int initialCapacity) {
            this.events = new ArrayDeque<>(initialCapacity);
        }

        /** Marks the queue scheduled; {@code true} if the caller must hand it to the pool. */
        boolean schedule() {
            if (scheduled) {
                return false;
            }
            scheduled = true;
            return true;
        }

        void recycle(PayloadBuffer buffer, int max) {
            if (spare.size() < max) {
                spare.addLast(buffer);
            }
        }
    }

    /** A copy of one payload, reused once delivered. */
    private static final class PayloadBuffer {

        final byte[] data = new byte[NetcodeProtocol.MAX_PAYLOAD_BYTES];

        final ByteBuffer view = ByteBuffer.wrap(data).asReadOnlyBuffer();

        int length;

        @Nullable NetcodeSession session;

        void fill(NetcodeSession from, byte[] buf, int offset, int count) {
            System.arraycopy(buf, offset, data, 0, count);
            length = count;
            session = from;
        }
    }

    /** A listener thread's reusable view of the payload it delivers, and its argument arrays. */
    private static final class Invocation implements NetcodePayloadContext {

        @Nullable PayloadBuffer payload;

        private Object[][] arguments = new Object[0][];

        Object[] arguments(int index, NetcodeListenerMethod listener) {
            if (index >= arguments.length) {
                arguments = Arrays.copyOf(arguments, index + 1);
            }
            Object[] args = arguments[index];
            if (args == null) {
                args = new Object[listener.parameterCount()];
                arguments[index] = args;
            }
            return args;
        }

        private PayloadBuffer current() {
            PayloadBuffer current = payload;
            if (current == null) {
                throw new IllegalStateException("The payload is only available during a @NetcodeListener call");
            }
            return current;
        }

        @Override
        public NetcodeSession session() {
            return Objects.requireNonNull(current().session);
        }

        @Override
        public Long clientId() {
            return session().boxedClientId();
        }

        @Override
        public int payloadLength() {
            return current().length;
        }

        @Override
        public ByteBuffer payload() {
            PayloadBuffer current = current();
            current.view.limit(current.length).position(0);
            return current.view;
        }

        @Override
        public byte[] copyPayload() {
            PayloadBuffer current = current();
            return Arrays.copyOf(current.data, current.length);
        }
    }
}
