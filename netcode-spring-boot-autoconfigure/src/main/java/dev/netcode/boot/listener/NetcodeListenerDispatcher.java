package dev.netcode.boot.listener;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageServer;
import dev.netcode.message.ServerMessageHandler;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;

/**
 * The {@link ServerEventHandler} of the auto-configured {@link NetcodeServer}: takes the server's
 * events off its network thread and delivers them, on a pool of listener threads, to the
 * {@link NetcodeListener @NetcodeListener} methods (payloads) and to the application's event
 * listeners ({@link NetcodeClientConnectedEvent}, {@link NetcodeClientDisconnectedEvent}). With
 * {@code netcode.channels} configured it is the {@link ServerMessageHandler} of the server's
 * {@link MessageServer} instead, and delivers each channel's messages to that channel's listeners;
 * everything below holds for messages as for payloads, with buffers sized up to the largest
 * message (doubling from 2048 bytes above 1200).
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
 * A client may have {@code queueCapacity} payloads waiting, and all clients' payloads together may
 * hold {@code maxQueuedBytes}; a payload that arrives while its client's queue is full is dropped
 * and counted ({@link #payloadsDroppedQueueFull()}), one that arrives while the memory is taken too
 * ({@link #payloadsDroppedMemoryLimit()}). With channels a client's queue is also full when it holds
 * its share of the memory, {@code maxQueuedBytes / maxClients} (at least one buffer of the largest
 * message): a reliable message that cannot be queued disconnects its client, and that must be the
 * client that is behind, not whichever arrives once another has taken everyone's room. Connect and disconnect events are never dropped.
 * Whatever a listener (or an {@code @EventListener} for the lifecycle events) throws goes to the
 * {@link NetcodeListenerErrorHandler} and is counted ({@link #listenerErrors()}); the thread, the
 * queue and the client carry on. With no {@code @NetcodeListener} methods at all, payloads are
 * ignored, and the lifecycle events are still published.
 *
 * <h2>Memory and allocation</h2>
 * On the network thread a payload is copied into a reusable buffer sized to it: the smallest of 64,
 * 128, 256, 512, 1024 and 1200 bytes that fits. Every buffer is charged against
 * {@code maxQueuedBytes} with {@value #BUFFER_OVERHEAD_BYTES} bytes for the objects around it, from
 * the moment it is allocated: while its payload waits, while it is delivered, and afterwards, when
 * it waits in a pool shared by all clients for the next payload of its size. A payload that finds no
 * spare buffer of its size allocates one if the bound allows, first freeing spares of other sizes
 * if that makes room; otherwise it is dropped. So the memory held for payloads never exceeds the
 * bound, and once the pool holds as many buffers of each size as the backlog needs, receiving a
 * payload allocates nothing (each queue's array also grows once to the capacity it needs). Still
 * allocating: the session and event objects on every connect and disconnect, and the JDK's lock
 * queue nodes when a lock is contended. On a listener thread, a call allocates nothing of its own:
 * argument arrays are reused per thread and length, the client id is boxed once per session, and a
 * {@code ByteBuffer} argument is the buffer's reusable read-only view. What does allocate: a
 * {@code byte[]} argument (a copy of the payload), anything a user {@link NetcodeArgumentResolver} creates, and every reply or
 * {@link NetcodeSession#send}: a copy of the bytes and the command queued for the server's thread.
 *
 * <h2>Shutdown</h2>
 * {@link #destroy()} runs after the server has stopped (the server's lifecycle stops first, which
 * queues the disconnected events of the clients it disconnects). It waits up to the
 * {@linkplain #setShutdownTimeout shutdown timeout} for the queues to drain, then stops the threads.
 */
public class NetcodeListenerDispatcher implements ServerMessageHandler, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(NetcodeListenerDispatcher.class);

    /** The channel of a raw payload. */
    private static final int NO_CHANNEL = -1;

    /** Events a thread delivers from one client's queue before it lets other clients go first. */
    private static final int BATCH = 32;

    /** Payload buffer sizes: a payload gets the smallest that fits. */
    private static final int[] PAYLOAD_BUFFER_SIZES = { 64, 128, 256, 512, 1024, NetcodeProtocol.MAX_PAYLOAD_BYTES };

    /**
     * What a payload buffer costs besides its bytes, an upper estimate: the buffer object, the
     * array's header, the read-only view and the queue's reference.
     */
    public static final int BUFFER_OVERHEAD_BYTES = 128;

    /** The smallest {@code maxQueuedBytes} without channels: room for one full-size payload. */
    public static final long MIN_MAX_QUEUED_BYTES = NetcodeProtocol.MAX_PAYLOAD_BYTES + BUFFER_OVERHEAD_BYTES;

    /**
     * The smallest {@code maxQueuedBytes} with channels: room for one message of the largest
     * {@link ChannelConfig#maxMessageBytes()} of {@code config}.
     */
    public static long minMaxQueuedBytes(MessageConfig config) {
        int[] sizes = bufferSizes(config);
        return sizes[sizes.length - 1] + BUFFER_OVERHEAD_BYTES;
    }

    /**
     * Buffer sizes for {@code config}'s messages: the payload sizes, then doubling from 2048 bytes
     * up to the largest message (the last size is that message's length exactly).
     */
    private static int[] bufferSizes(@Nullable MessageConfig config) {
        if (config == null) {
            return PAYLOAD_BUFFER_SIZES;
        }
        int largest = config.channels().stream().mapToInt(ChannelConfig::maxMessageBytes).max().orElse(0);
        List<Integer> sizes = new ArrayList<>();
        for (int size : PAYLOAD_BUFFER_SIZES) {
            sizes.add(size);
        }
        for (long size = 2048; largest > NetcodeProtocol.MAX_PAYLOAD_BYTES; size *= 2) {
            sizes.add((int) Math.min(size, largest));
            if (size >= largest) {
                break;
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private final NetcodeListenerRegistry registry;
    private final Supplier<NetcodeServer> serverSupplier;
    private final ApplicationEventPublisher publisher;
    private final NetcodeListenerErrorHandler errorHandler;
    private final int threadCount;
    private final int queueCapacity;
    private final PayloadBuffers buffers;
    /**
     * Bytes of buffers one client's queue may hold with channels (unbounded without); set when the
     * first client connects, from the server's slot count.
     */
    private volatile long clientShareBytes = Long.MAX_VALUE;
    private final @Nullable MessageConfig messageConfig;
    private final Supplier<@Nullable NetcodeMessagingTemplate> messagingSupplier;

    /** One queue per slot index, created on the network thread when the slot is first used. */
    private final AtomicReferenceArray<ClientQueue> queues = new AtomicReferenceArray<>(ServerConfig.MAX_CLIENTS_LIMIT);

    /** The session in each slot; touched on the network thread only. */
    private final NetcodeSession[] sessions = new NetcodeSession[ServerConfig.MAX_CLIENTS_LIMIT];

    /** Queues with work and no thread; each queue is in here at most once, so it never fills up. */
    private final ArrayBlockingQueue<ClientQueue> ready = new ArrayBlockingQueue<>(ServerConfig.MAX_CLIENTS_LIMIT);

    private final AtomicLong listenerErrors = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedMemoryLimit = new AtomicLong();
    private final AtomicLong reliableDropDisconnects = new AtomicLong();
    private final Object lifecycleMonitor = new Object();

    private volatile int queueLimit;
    private volatile @Nullable NetcodeServer server;
    private volatile @Nullable NetcodeMessagingTemplate messaging;
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
     * @param maxQueuedBytes memory the payload buffers of all clients may take together, at least
     *        {@link #MIN_MAX_QUEUED_BYTES}
     */
    public NetcodeListenerDispatcher(NetcodeListenerRegistry registry, Supplier<NetcodeServer> server,
            ApplicationEventPublisher publisher, NetcodeListenerErrorHandler errorHandler, int threads,
            int queueCapacity, long maxQueuedBytes) {
        this(registry, server, publisher, errorHandler, threads, queueCapacity, maxQueuedBytes, null, () -> null);
    }

    /**
     * A dispatcher of channel messages when {@code messageConfig} is given (the server's events then
     * come through the message layer, which calls {@link #onMessage}), else of raw payloads.
     *
     * @param messageConfig the channels, or {@code null} for raw payloads
     * @param messaging what sessions send channel messages with, asked for on the first connect
     *        (it needs the server, which is built with this handler)
     * @param maxQueuedBytes at least {@link #minMaxQueuedBytes(MessageConfig)} with channels
     * @see #NetcodeListenerDispatcher(NetcodeListenerRegistry, Supplier, ApplicationEventPublisher,
     *      NetcodeListenerErrorHandler, int, int, long)
     */
    public NetcodeListenerDispatcher(NetcodeListenerRegistry registry, Supplier<NetcodeServer> server,
            ApplicationEventPublisher publisher, NetcodeListenerErrorHandler errorHandler, int threads,
            int queueCapacity, long maxQueuedBytes, @Nullable MessageConfig messageConfig,
            Supplier<@Nullable NetcodeMessagingTemplate> messaging) {
        if (threads < 1) {
            throw new IllegalArgumentException("netcode listener threads must be at least 1, got " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("netcode listener queue capacity must be at least 1, got " + queueCapacity);
        }
        long minimum = (messageConfig != null) ? minMaxQueuedBytes(messageConfig) : MIN_MAX_QUEUED_BYTES;
        if (maxQueuedBytes < minimum) {
            throw new IllegalArgumentException("netcode listener max queued bytes must be at least "
                    + minimum + ", got " + maxQueuedBytes);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.serverSupplier = Objects.requireNonNull(server, "server");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
        this.threadCount = threads;
        this.queueCapacity = queueCapacity;
        this.buffers = new PayloadBuffers(bufferSizes(messageConfig), maxQueuedBytes);
        this.messageConfig = messageConfig;
        this.messagingSupplier = Objects.requireNonNull(messaging, "messaging");
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
        enqueue(session, NO_CHANNEL, false, buf, offset, length);
    }

    /**
     * A message on {@code channel} from the client in {@code slot}, from the message layer. A
     * message of a reliable channel that cannot be queued (its client's queue is full, or the memory
     * bound is reached) is dropped like a payload, and its client disconnected: it relies on
     * getting every message, which it no longer would.
     */
    @Override
    public void onMessage(int slot, long clientId, int channel, byte[] buf, int offset, int length) {
        if (closed || registry.listeners(channel).length == 0) {
            return;
        }
        NetcodeSession session = sessions[slot];
        if (session == null || session.clientId() != clientId) {
            return;
        }
        MessageConfig config = Objects.requireNonNull(messageConfig, "no channels");
        if (!enqueue(session, channel, true, buf, offset, length) && config.channel(channel).delivery().isReliable()
                && !session.overrun) {
            // Once per client: its later messages are dropped too until the disconnect takes effect.
            session.overrun = true;
            reliableDropDisconnects.incrementAndGet();
            log.warn("Disconnecting client {} in slot {}: its listeners are so far behind that a message of reliable "
                    + "channel '{}' had to be dropped (see netcode.listener.queue-capacity and "
                    + "netcode.listener.max-queued-bytes)", Long.toUnsignedString(clientId), slot,
                    config.channel(channel).name());
            session.disconnect();
        }
    }

    /**
     * Queues a copy of {@code buf[offset, offset + length)} for {@code session}'s listeners, or
     * drops and counts it; {@code true} if it was queued.
     */
    private boolean enqueue(NetcodeSession session, int channel, boolean message, byte[] buf, int offset,
            int length) {
        int index = session.index();
        ClientQueue queue = queue(index);
        boolean queueFull;
        PayloadBuffer payload = null;
        boolean schedule = false;
        long cost = buffers.costFor(length);
        synchronized (queue) {
            queueFull = queue.payloads >= queueCapacity || queue.bytes + cost > clientShareBytes;
            if (!queueFull) {
                payload = buffers.take(length);
                if (payload != null) {
                    payload.fill(session, channel, buf, offset, length);
                    queue.events.addLast(payload);
                    queue.payloads++;
                    queue.bytes += cost;
                    schedule = queue.schedule();
                }
            }
        }
        if (schedule) {
            ready.offer(queue);
        }
        else if (queueFull) {
            droppedQueueFull.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("Dropped a {} from client {} in slot {}: its queue (at most {}, {} bytes) is full",
                        message ? "message" : "payload", Long.toUnsignedString(session.clientId()), index,
                        queueCapacity, clientShareBytes);
            }
        }
        else if (payload == null) {
            droppedMemoryLimit.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("Dropped a {} from client {} in slot {}: the payloads of all clients hold the {} "
                        + "bytes allowed", message ? "message" : "payload", Long.toUnsignedString(session.clientId()),
                        index, buffers.maxBytes);
            }
        }
        return payload != null;
    }

    @Override
    public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
        int index = slot.index();
        NetcodeSession session = sessions[index];
        sessions[index] = null;
        if (session == null || session.clientId() != slot.clientId()) {
            session = NetcodeSession.of(server(), slot, messaging());
        }
        session.markDisconnected();
        if (!closed) {
            enqueue(queue(index), new NetcodeClientDisconnectedEvent(session, reason));
        }
    }

    private NetcodeSession openSession(ClientSlot slot) {
        if (messageConfig != null && clientShareBytes == Long.MAX_VALUE) {
            clientShareBytes = Math.max(buffers.maxBytes / server().maxClients(), buffers.largestCost());
        }
        NetcodeSession previous = sessions[slot.index()];
        if (previous != null) {
            previous.markDisconnected();
        }
        NetcodeSession session = NetcodeSession.of(server(), slot, messaging());
        sessions[slot.index()] = session;
        return session;
    }

    private @Nullable NetcodeMessagingTemplate messaging() {
        NetcodeMessagingTemplate current = messaging;
        if (current == null && messageConfig != null) {
            current = Objects.requireNonNull(messagingSupplier.get(), "no NetcodeMessagingTemplate");
            messaging = current;
        }
        return current;
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
        Invocation invocation = new Invocation(messageConfig);
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
        for (int n = 0;; n++) {
            Object event;
            synchronized (queue) {
                event = (n < BATCH) ? queue.events.pollFirst() : null;
                if (event == null) {
                    if (n < BATCH || queue.events.isEmpty()) {
                        queue.scheduled = false;
                        return;
                    }
                    break;
                }
                if (event instanceof PayloadBuffer payload) {
                    queue.payloads--;
                    queue.bytes -= buffers.cost(payload.size);
                }
            }
            if (event instanceof PayloadBuffer payload) {
                deliver(payload, invocation);
                buffers.give(payload);
            }
            else {
                publish((NetcodeClientEvent) event);
            }
        }
        // More work after a full batch: back of the line, so other clients get a turn.
        ready.offer(queue);
    }

    private void deliver(PayloadBuffer payload, Invocation invocation) {
        NetcodeListenerMethod[] listeners = (payload.channel == NO_CHANNEL) ? registry.listeners()
                : registry.listeners(payload.channel);
        NetcodeSession session = Objects.requireNonNull(payload.session);
        invocation.payload = payload;
        try {
            for (int i = 0; i < listeners.length; i++) {
                NetcodeListenerMethod listener = listeners[i];
                try {
                    Object[] arguments = invocation.arguments(listener.parameterCount());
                    listener.reply(listener.invoke(invocation, arguments), session);
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

    /**
     * Clients disconnected since start-up because a message of a reliable channel had to be dropped
     * (those drops are also in {@link #droppedPayloads()}).
     */
    public long reliableDropDisconnects() {
        return reliableDropDisconnects.get();
    }

    /** Payloads (and channel messages) dropped since start-up, for either reason. */
    public long droppedPayloads() {
        return droppedQueueFull.get() + droppedMemoryLimit.get();
    }

    /** Payloads dropped since start-up because their client already had {@code queueCapacity} waiting. */
    public long payloadsDroppedQueueFull() {
        return droppedQueueFull.get();
    }

    /**
     * Payloads dropped since start-up because the payload buffers of all clients already held
     * {@code maxQueuedBytes}.
     */
    public long payloadsDroppedMemoryLimit() {
        return droppedMemoryLimit.get();
    }

    /**
     * Memory held for payloads now, as {@code maxQueuedBytes} counts it: the buffers of payloads
     * waiting or being delivered and the spare ones kept for reuse, each with its overhead. Never
     * more than {@code maxQueuedBytes}.
     */
    public long heldBytes() {
        return buffers.heldBytes();
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
        return "NetcodeListenerDispatcher[threads=" + threadCount + ", queueCapacity=" + queueCapacity
                + ", maxQueuedBytes=" + buffers.maxBytes + ", listeners=" + registry.listeners().length + "]";
    }

    // ---- internals -------------------------------------------------------------------------------

    /** One slot's events, guarded by the queue's monitor. */
    private static final class ClientQueue {

        /** {@link PayloadBuffer}s and {@link NetcodeClientEvent}s, in arrival order. */
        final ArrayDeque<Object> events;

        /** Payloads in {@link #events}; written under the monitor, read by the gauge without it. */
        volatile int payloads;

        /** What the buffers of those payloads cost, against the client's share; under the monitor. */
        long bytes;

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
    }

    /**
     * The payload buffers of all slots and the memory bound: every buffer is charged from the
     * moment it is allocated until it is freed, including while it is spare. Spare buffers are kept
     * per size, each size a stack linked through the buffers themselves, so keeping one allocates
     * nothing. Guarded by its monitor; taken inside a queue's monitor, never the other way round.
     */
    private static final class PayloadBuffers {

        final long maxBytes;

        /** The buffer sizes, ascending; a payload gets the smallest that fits. */
        private final int[] sizes;

        /** The top spare buffer of each size, or {@code null}. */
        private final @Nullable PayloadBuffer[] spare;

        private long heldBytes;

        PayloadBuffers(int[] sizes, long maxBytes) {
            this.sizes = sizes;
            this.spare = new PayloadBuffer[sizes.length];
            this.maxBytes = maxBytes;
        }

        /** A buffer for {@code length} bytes, or {@code null} if the bound leaves no room for one. */
        synchronized @Nullable PayloadBuffer take(int length) {
            int size = sizeFor(length);
            PayloadBuffer buffer = spare[size];
            if (buffer != null) {
                spare[size] = buffer.nextSpare;
                buffer.nextSpare = null;
                return buffer;
            }
            long cost = cost(size);
            // Room made by freeing spares of other sizes, largest first, is room this payload needs now.
            for (int other = sizes.length - 1; other >= 0 && heldBytes + cost > maxBytes; other--) {
                while (spare[other] != null && heldBytes + cost > maxBytes) {
                    spare[other] = spare[other].nextSpare;
                    heldBytes -= cost(other);
                }
            }
            if (heldBytes + cost > maxBytes) {
                return null;
            }
            heldBytes += cost;
            return new PayloadBuffer(size, sizes[size]);
        }

        /** Takes back a delivered buffer, to reuse for the next payload of its size. */
        synchronized void give(PayloadBuffer buffer) {
            buffer.nextSpare = spare[buffer.size];
            spare[buffer.size] = buffer;
        }

        synchronized long heldBytes() {
            return heldBytes;
        }

        long cost(int size) {
            return sizes[size] + BUFFER_OVERHEAD_BYTES;
        }

        /** What the buffer a payload of {@code length} bytes gets costs. */
        long costFor(int length) {
            return cost(sizeFor(length));
        }

        long largestCost() {
            return cost(sizes.length - 1);
        }

        private int sizeFor(int length) {
            int size = 0;
            while (sizes[size] < length) {
                size++;
            }
            return size;
        }
    }

    /** A copy of one payload or channel message, reused once delivered. */
    private static final class PayloadBuffer {

        /** Index into the sizes of {@link PayloadBuffers}. */
        final int size;

        final byte[] data;

        final ByteBuffer view;

        int length;

        /** The message's channel id, or {@link #NO_CHANNEL} for a raw payload. */
        int channel;

        @Nullable NetcodeSession session;

        /** The next spare buffer of this size while this one is spare. */
        @Nullable PayloadBuffer nextSpare;

        PayloadBuffer(int size, int bytes) {
            this.size = size;
            this.data = new byte[bytes];
            this.view = ByteBuffer.wrap(data).asReadOnlyBuffer();
        }

        void fill(NetcodeSession from, int channelId, byte[] buf, int offset, int count) {
            System.arraycopy(buf, offset, data, 0, count);
            length = count;
            channel = channelId;
            session = from;
        }
    }

    /** A listener thread's reusable view of the payload it delivers, and its argument arrays. */
    private static final class Invocation implements NetcodePayloadContext {

        private final @Nullable MessageConfig messageConfig;

        @Nullable PayloadBuffer payload;

        Invocation(@Nullable MessageConfig messageConfig) {
            this.messageConfig = messageConfig;
        }

        /**
         * Argument arrays by length: a call fills one and clears it before the next call, so one array
         * per length serves every listener of this thread, whichever channel it listens to.
         */
        private Object[][] arguments = new Object[0][];

        Object[] arguments(int count) {
            if (count >= arguments.length) {
                arguments = Arrays.copyOf(arguments, count + 1);
            }
            Object[] args = arguments[count];
            if (args == null) {
                args = new Object[count];
                arguments[count] = args;
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
        public @Nullable String channel() {
            int channel = current().channel;
            return (channel == NO_CHANNEL) ? null : Objects.requireNonNull(messageConfig).channel(channel).name();
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
