package dev.netcode.boot.listener;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.client.ClientState;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;

import static dev.netcode.boot.listener.ListenerTestClient.WAIT_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link NetcodeListenerDispatcher}, with a real server and real clients on UDP 127.0.0.1.
 */
class NetcodeListenerDispatcherTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeListenerAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0");

    @Test
    void payloadReachesListenerWithSessionClientIdAndBytes() {
        this.contextRunner.withBean(RecordingListener.class).run((context) -> {
            RecordingListener listener = context.getBean(RecordingListener.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 77)) {
                client.send(bytes("hello"));
                Received received = listener.received.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                assertThat(received).isNotNull();
                assertThat(received.clientId).isEqualTo(77);
                assertThat(received.boxedClientId).isEqualTo(77L);
                assertThat(received.bytes).isEqualTo(bytes("hello"));
                assertThat(received.bufferBytes).isEqualTo(bytes("hello"));
                assertThat(received.bufferReadOnly).isTrue();
                assertThat(received.thread).startsWith("netcode-listener-");
                NetcodeSession session = received.session;
                assertThat(session.clientId()).isEqualTo(77);
                assertThat(session.index()).isZero();
                assertThat(session.isConnected()).isTrue();
                assertThat(session.address()).isEqualTo(NetcodeAddress.parse("127.0.0.1:" + clientPort(context)));
                assertThat(session.userData()).hasSize(256);
                assertThat(session.connectedAt()).isNotNull();
            }
        });
    }

    private static int clientPort(ApplicationContext context) {
        return context.getBean(NetcodeServer.class).snapshot().clients().get(0).address().port();
    }

    @Test
    void returnedBytesAndBuffersAreSentBackToTheSender() {
        this.contextRunner.withBean(ReplyingListener.class).run((context) -> {
            try (ListenerTestClient client = ListenerTestClient.connect(context, 1)) {
                client.send(bytes("bytes:ping"));
                assertThat(client.receive()).isEqualTo(bytes("pong"));
                client.send(bytes("buffer:ping"));
                assertThat(client.receive()).isEqualTo(bytes("PONG"));
                client.send(bytes("null"));
                client.send(bytes("bytes:again"));
                assertThat(client.receive()).isEqualTo(bytes("pong"));
            }
        });
    }

    @Test
    void oneClientsPayloadsArriveInOrder() {
        this.contextRunner.withBean(SequenceListener.class)
            .withPropertyValues("netcode.listener.queue-capacity=2000")
            .run((context) -> {
                SequenceListener listener = context.getBean(SequenceListener.class);
                try (ListenerTestClient client = ListenerTestClient.connect(context, 5)) {
                    // In bursts of 100, each once the last one is in: a stock Linux socket buffer
                    // (rmem_max 208 KiB) holds about 500 such datagrams, and the kernel drops what
                    // does not fit while the server's thread waits for a core.
                    for (int i = 0; i < 1000; i++) {
                        client.send(ByteBuffer.allocate(4).putInt(i).array());
                        if (i % 100 == 99) {
                            int sent = i + 1;
                            ListenerTestClient.await(() -> listener.sequence.size() >= sent);
                        }
                    }
                    ListenerTestClient.await(() -> listener.sequence.contains(999));
                    // UDP may still lose a datagram, which leaves a gap; a reordering never passes.
                    assertThat(listener.sequence).as("payloads delivered").hasSizeGreaterThanOrEqualTo(990);
                    assertThat(listener.sequence).isSorted().doesNotHaveDuplicates();
                    assertThat(context.getBean(NetcodeListenerDispatcher.class).droppedPayloads()).isZero();
                }
            });
    }

    @Test
    void listenerBlockedForOneClientStallsNeitherOtherClientsNorKeepAlives() {
        // A 1 s timeout: keep-alives must flow for the blocked client while its listener waits longer.
        this.contextRunner.withBean(BlockingListener.class).withPropertyValues("netcode.token.timeout=1").run((context) -> {
            BlockingListener listener = context.getBean(BlockingListener.class);
            try (ListenerTestClient blocked = ListenerTestClient.connect(context, BlockingListener.BLOCKED_CLIENT);
                    ListenerTestClient other = ListenerTestClient.connect(context, 2)) {
                blocked.send(bytes("first"));
                assertThat(listener.blocking.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                blocked.send(bytes("second"));
                for (int i = 0; i < 5; i++) {
                    other.send(bytes("other-" + i));
                    assertThat(other.receive()).isEqualTo(bytes("other-" + i));
                }
                // Twice the timeout with the listener still blocked: both clients stay connected.
                assertThat(blocked.stateAfterStayingConnectedFor(2_000)).isEqualTo(ClientState.CONNECTED);
                assertThat(other.state()).isEqualTo(ClientState.CONNECTED);
                assertThat(context.getBean(NetcodeServer.class).connectedClientCount()).isEqualTo(2);
                other.send(bytes("other-late"));
                assertThat(other.receive()).isEqualTo(bytes("other-late"));
                assertThat(blocked.receive(200)).as("nothing for the blocked client yet").isNull();

                listener.release.countDown();
                assertThat(blocked.receive()).isEqualTo(bytes("first"));
                assertThat(blocked.receive()).isEqualTo(bytes("second"));
            }
            finally {
                listener.release.countDown();
            }
        });
    }

    @Test
    void receivingAPayloadReusesBuffersOnceWarmedUp() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean allocation
                && allocation.isThreadAllocatedMemorySupported() && allocation.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) threads;
        this.contextRunner.withBean(CountingListener.class).run((context) -> {
            NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
            CountingListener listener = context.getBean(CountingListener.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 71)) {
                // The connected client's slot, fed from this thread as the network thread would.
                ClientSlot slot = context.getBean(NetcodeServer.class)
                    .call((machine) -> machine.slot(0))
                    .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                byte[] packet = new byte[1200];
                // Warm up with bursts whose lengths span those used below (100 to 1099 bytes, so every
                // buffer size from 128 to 1200), so the pool holds spare buffers of each size: a listener
                // thread returns a buffer only after the listener returned, which can be just after
                // the next payload arrives.
                int sent = 0;
                for (int burst = 0; burst < 50; burst++) {
                    for (int j = 0; j < 16; j++) {
                        dispatcher.onPayload(slot, packet, 0, 100 + j * 999 / 15);
                        sent++;
                    }
                    awaitCount(listener, sent);
                }
                long allocated = 0;
                long largest = 0;
                for (int i = 0; i < 2_000; i++) {
                    long before = allocation.getCurrentThreadAllocatedBytes();
                    dispatcher.onPayload(slot, packet, 0, 100 + (i % 1000));
                    long after = allocation.getCurrentThreadAllocatedBytes();
                    allocated += after - before;
                    largest = Math.max(largest, after - before);
                    // Let the listener catch up, so the backlog stays small.
                    awaitCount(listener, ++sent);
                }
                // No payload buffer is allocated (a copy per payload would be 2000 x 1216 bytes). What
                // may remain is a 32-byte lock queue node now and then, when this thread and a listener
                // thread contend for the ready queue's lock.
                assertThat(largest).as("most bytes allocated by one warmed-up onPayload call").isLessThan(1200);
                assertThat(allocated).as("bytes allocated by 2000 warmed-up onPayload calls").isLessThan(64_000);
                assertThat(dispatcher.droppedPayloads()).isZero();
            }
        });
    }

    private static void awaitCount(CountingListener listener, int expected) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (listener.count.get() < expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(listener.count.get()).isEqualTo(expected);
    }

    @Test
    void payloadsBeyondTheQueueCapacityAreDroppedAndCounted() {
        this.contextRunner.withBean(BlockingListener.class)
            .withPropertyValues("netcode.listener.queue-capacity=4")
            .run((context) -> {
                BlockingListener listener = context.getBean(BlockingListener.class);
                NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
                try (ListenerTestClient client = ListenerTestClient.connect(context, BlockingListener.BLOCKED_CLIENT)) {
                    client.send(bytes("first"));
                    assertThat(listener.blocking.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                    for (int i = 0; i < 10; i++) {
                        client.send(bytes("queued-" + i));
                    }
                    assertThat(ListenerTestClient.await(() -> dispatcher.payloadsDroppedQueueFull() == 6)).isTrue();
                    assertThat(dispatcher.queuedPayloads()).isEqualTo(4);
                    listener.release.countDown();
                    assertThat(client.receive()).isEqualTo(bytes("first"));
                    for (int i = 0; i < 4; i++) {
                        assertThat(client.receive()).isEqualTo(bytes("queued-" + i));
                    }
                    assertThat(ListenerTestClient.await(() -> dispatcher.queuedPayloads() == 0)).isTrue();
                    assertThat(dispatcher.droppedPayloads()).isEqualTo(6);
                    assertThat(dispatcher.payloadsDroppedMemoryLimit()).isZero();
                    assertThat(dispatcher.listenerErrors()).isZero();
                }
                finally {
                    listener.release.countDown();
                }
            });
    }

    @Test
    void payloadsBeyondTheMemoryBoundAreDroppedAndCountedAndTheBoundIsNeverExceeded() {
        long bound = 64 * 1024;
        // A per-client capacity that never bites: only the memory bound limits this one client.
        this.contextRunner.withBean(GateListener.class)
            .withPropertyValues("netcode.listener.queue-capacity=100000", "netcode.listener.max-queued-bytes=64KB")
            .run((context) -> {
                GateListener listener = context.getBean(GateListener.class);
                NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
                try (ListenerTestClient client = ListenerTestClient.connect(context, 81)) {
                    ClientSlot slot = connectedSlot(context);
                    byte[] packet = new byte[1200];
                    // Fed from this thread as the network thread would; the first payload holds the listener.
                    dispatcher.onPayload(slot, packet, 0, 1200);
                    assertThat(listener.holding.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                    int sent = 1;
                    long firstDropHeld = -1;
                    for (int i = 0; i < 400; i++) {
                        long droppedBefore = dispatcher.payloadsDroppedMemoryLimit();
                        dispatcher.onPayload(slot, packet, 0, 1 + (i * 397) % 1200);
                        sent++;
                        assertThat(dispatcher.heldBytes()).as("bytes held after %d payloads", sent)
                            .isLessThanOrEqualTo(bound);
                        if (firstDropHeld < 0 && dispatcher.payloadsDroppedMemoryLimit() > droppedBefore) {
                            firstDropHeld = dispatcher.heldBytes();
                        }
                    }
                    long dropped = dispatcher.payloadsDroppedMemoryLimit();
                    assertThat(dropped).isPositive();
                    // Nothing was dropped while a full-size payload still fitted.
                    assertThat(firstDropHeld).isGreaterThan(bound - NetcodeListenerDispatcher.MIN_MAX_QUEUED_BYTES);
                    assertThat(dispatcher.payloadsDroppedQueueFull()).isZero();
                    assertThat(dispatcher.droppedPayloads()).isEqualTo(dropped);
                    int accepted = sent - (int) dropped;
                    assertThat(dispatcher.queuedPayloads()).isEqualTo(accepted - 1);

                    listener.release.countDown();
                    assertThat(ListenerTestClient.await(() -> listener.delivered.get() == accepted)).isTrue();
                    assertThat(ListenerTestClient.await(() -> dispatcher.queuedPayloads() == 0)).isTrue();
                    // Delivered buffers are reused: the next payloads are taken, within the bound.
                    for (int i = 0; i < 50; i++) {
                        dispatcher.onPayload(slot, packet, 0, 1 + (i * 397) % 1200);
                    }
                    assertThat(ListenerTestClient.await(() -> listener.delivered.get() == accepted + 50)).isTrue();
                    assertThat(dispatcher.payloadsDroppedMemoryLimit()).isEqualTo(dropped);
                    assertThat(dispatcher.heldBytes()).isLessThanOrEqualTo(bound);
                }
                finally {
                    listener.release.countDown();
                }
            });
    }

    @Test
    void smallPayloadsTakeMemoryInProportionToTheirSize() {
        long bound = 64 * 1024;
        this.contextRunner.withBean(GateListener.class)
            .withPropertyValues("netcode.listener.queue-capacity=100000", "netcode.listener.max-queued-bytes=64KB")
            .run((context) -> {
                GateListener listener = context.getBean(GateListener.class);
                NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
                try (ListenerTestClient client = ListenerTestClient.connect(context, 82)) {
                    ClientSlot slot = connectedSlot(context);
                    byte[] packet = new byte[10];
                    dispatcher.onPayload(slot, packet, 0, 10);
                    assertThat(listener.holding.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                    for (int i = 0; i < 1000; i++) {
                        dispatcher.onPayload(slot, packet, 0, 10);
                    }
                    assertThat(dispatcher.payloadsDroppedMemoryLimit()).isPositive();
                    assertThat(dispatcher.heldBytes()).isLessThanOrEqualTo(bound);
                    // Buffers of a full-size payload each would hold at most bound / MIN_MAX_QUEUED_BYTES (49).
                    long fullSizeBuffers = bound / NetcodeListenerDispatcher.MIN_MAX_QUEUED_BYTES;
                    assertThat((long) dispatcher.queuedPayloads()).isGreaterThan(4 * fullSizeBuffers);
                }
                finally {
                    listener.release.countDown();
                }
            });
    }

    private static ClientSlot connectedSlot(ApplicationContext context) throws Exception {
        return context.getBean(NetcodeServer.class)
            .call((machine) -> machine.slot(0))
            .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Test
    void listenerExceptionIsCountedAndHandledAndTheNextPayloadIsDelivered() {
        this.contextRunner.withBean(FailingListener.class)
            .withBean(RecordingErrorHandler.class)
            .run((context) -> {
                NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
                RecordingErrorHandler errors = context.getBean(RecordingErrorHandler.class);
                try (ListenerTestClient client = ListenerTestClient.connect(context, 9)) {
                    client.send(bytes("boom"));
                    client.send(bytes("fine"));
                    assertThat(client.receive()).isEqualTo(bytes("fine"));
                    assertThat(dispatcher.listenerErrors()).isEqualTo(1);
                    assertThat(errors.errors).singleElement().satisfies((error) -> {
                        assertThat(error).isInstanceOf(IllegalStateException.class).hasMessage("boom");
                    });
                    assertThat(errors.listeners).singleElement()
                        .satisfies((listener) -> assertThat(listener.method().getName()).isEqualTo("handle"));
                    assertThat(errors.sessions).singleElement()
                        .satisfies((session) -> assertThat(session.clientId()).isEqualTo(9));
                    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
                }
            });
    }

    @Test
    void defaultErrorHandlerLogsAndTheClientStaysConnected() {
        this.contextRunner.withBean(FailingListener.class).run((context) -> {
            NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 9)) {
                client.send(bytes("boom"));
                client.send(bytes("fine"));
                assertThat(client.receive()).isEqualTo(bytes("fine"));
                assertThat(dispatcher.listenerErrors()).isEqualTo(1);
                assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            }
        });
    }

    @Test
    void connectAndDisconnectArriveAsApplicationEventsInOrderWithPayloads() {
        this.contextRunner.withBean(LifecycleRecorder.class).run((context) -> {
            LifecycleRecorder recorder = context.getBean(LifecycleRecorder.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 21)) {
                NetcodeClientConnectedEvent connected = (NetcodeClientConnectedEvent) recorder.next();
                assertThat(connected.getSession().clientId()).isEqualTo(21);
                client.send(bytes("a"));
                client.send(bytes("b"));
                assertThat(recorder.next()).isEqualTo("a");
                assertThat(recorder.next()).isEqualTo("b");
                client.disconnect();
                NetcodeClientDisconnectedEvent disconnected = (NetcodeClientDisconnectedEvent) recorder.next();
                assertThat(disconnected.getSession()).isSameAs(connected.getSession());
                assertThat(disconnected.getReason()).isEqualTo(DisconnectReason.CLIENT_DISCONNECT);
                assertThat(disconnected.getSession().isConnected()).isFalse();
            }
        });
    }

    @Test
    void sessionDisconnectReportsServerDisconnect() {
        this.contextRunner.withBean(LifecycleRecorder.class).run((context) -> {
            LifecycleRecorder recorder = context.getBean(LifecycleRecorder.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 22)) {
                NetcodeClientConnectedEvent connected = (NetcodeClientConnectedEvent) recorder.next();
                connected.getSession().disconnect();
                NetcodeClientDisconnectedEvent disconnected = (NetcodeClientDisconnectedEvent) recorder.next();
                assertThat(disconnected.getReason()).isEqualTo(DisconnectReason.SERVER_DISCONNECT);
                assertThat(client.awaitDisconnected()).isEqualTo(ClientState.DISCONNECTED);
            }
        });
    }

    @Test
    void lifecycleEventsArePublishedWithoutAnyListenerMethods() {
        this.contextRunner.withBean(EventsOnly.class).run((context) -> {
            EventsOnly events = context.getBean(EventsOnly.class);
            assertThat(context.getBean(NetcodeListenerRegistry.class).getListeners()).isEmpty();
            try (ListenerTestClient client = ListenerTestClient.connect(context, 31)) {
                assertThat(events.events.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(NetcodeClientConnectedEvent.class);
                client.send(bytes("ignored"));
                client.disconnect();
                assertThat(events.events.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOfSatisfying(NetcodeClientDisconnectedEvent.class,
                            (event) -> assertThat(event.getReason()).isEqualTo(DisconnectReason.CLIENT_DISCONNECT));
                assertThat(context.getBean(NetcodeListenerDispatcher.class).queuedPayloads()).isZero();
            }
        });
    }

    @Test
    void failingEventListenerIsCountedAndLaterEventsStillArrive() {
        this.contextRunner.withBean(FailingConnectListener.class).run((context) -> {
            FailingConnectListener events = context.getBean(FailingConnectListener.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 41)) {
                client.disconnect();
                assertThat(events.disconnected.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isNotNull();
                assertThat(context.getBean(NetcodeListenerDispatcher.class).listenerErrors()).isEqualTo(1);
            }
        });
    }

    @Test
    void staleSessionNeverReachesTheNextClientInItsSlot() {
        this.contextRunner.withBean(LifecycleRecorder.class)
            .withPropertyValues("netcode.server.max-clients=1")
            .run((context) -> {
                LifecycleRecorder recorder = context.getBean(LifecycleRecorder.class);
                NetcodeSession first;
                try (ListenerTestClient client = ListenerTestClient.connect(context, 51)) {
                    first = ((NetcodeClientConnectedEvent) recorder.next()).getSession();
                    client.disconnect();
                    assertThat(recorder.next()).isInstanceOf(NetcodeClientDisconnectedEvent.class);
                }
                try (ListenerTestClient client = ListenerTestClient.connect(context, 52)) {
                    NetcodeSession second = ((NetcodeClientConnectedEvent) recorder.next()).getSession();
                    assertThat(second.index()).isEqualTo(first.index());
                    assertThat(first.isConnected()).isFalse();
                    first.send(bytes("stale"));
                    first.disconnect();
                    second.send(bytes("fresh"));
                    // Sends are run in order on the server's thread: a stale one would come first.
                    assertThat(client.receive()).isEqualTo(bytes("fresh"));
                    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
                    assertThat(second.isConnected()).isTrue();
                }
            });
    }

    @Test
    void staleSessionNeverReachesTheSameClientIdReconnectedInItsSlot() {
        this.contextRunner.withBean(LifecycleRecorder.class)
            .withPropertyValues("netcode.server.max-clients=1")
            .run((context) -> {
                LifecycleRecorder recorder = context.getBean(LifecycleRecorder.class);
                NetcodeSession first;
                try (ListenerTestClient client = ListenerTestClient.connect(context, 53)) {
                    first = ((NetcodeClientConnectedEvent) recorder.next()).getSession();
                    client.disconnect();
                    assertThat(recorder.next()).isInstanceOf(NetcodeClientDisconnectedEvent.class);
                }
                try (ListenerTestClient client = ListenerTestClient.connect(context, 53)) {
                    NetcodeSession second = ((NetcodeClientConnectedEvent) recorder.next()).getSession();
                    assertThat(second.index()).isEqualTo(first.index());
                    assertThat(second.clientId()).isEqualTo(first.clientId());
                    first.send(bytes("stale"));
                    first.disconnect();
                    second.send(bytes("fresh"));
                    assertThat(client.receive()).isEqualTo(bytes("fresh"));
                    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
                    assertThat(second.isConnected()).isTrue();
                }
            });
    }

    @Test
    void closingTheContextDeliversDisconnectEventsAndStopsTheListenerThreads() {
        // Only this context's threads: a cached @SpringBootTest context of another class keeps its own.
        Set<Thread> before = liveListenerThreads();
        this.contextRunner.withBean(LifecycleRecorder.class).run((context) -> {
            LifecycleRecorder recorder = context.getBean(LifecycleRecorder.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 61)) {
                assertThat(recorder.next()).isInstanceOf(NetcodeClientConnectedEvent.class);
                context.close();
                assertThat(recorder.events.poll()).isInstanceOfSatisfying(NetcodeClientDisconnectedEvent.class,
                        (event) -> assertThat(event.getReason()).isEqualTo(DisconnectReason.SERVER_DISCONNECT));
                assertThat(liveListenerThreads()).isSubsetOf(before);
            }
        });
    }

    private static Set<Thread> liveListenerThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.getName().startsWith("netcode-listener-") && thread.isAlive())
            .collect(Collectors.toSet());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    record Received(NetcodeSession session, long clientId, Long boxedClientId, byte[] bytes, byte[] bufferBytes,
            boolean bufferReadOnly, String thread) {
    }

    static class RecordingListener {

        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

        @NetcodeListener
        void onPayload(NetcodeSession session, long clientId, byte[] bytes, ByteBuffer buffer, Long boxedClientId) {
            byte[] bufferBytes = new byte[buffer.remaining()];
            buffer.get(bufferBytes);
            received.add(new Received(session, clientId, boxedClientId, bytes, bufferBytes, buffer.isReadOnly(),
                    Thread.currentThread().getName()));
        }
    }

    static class ReplyingListener {

        @NetcodeListener
        ByteBuffer replyBuffer(byte[] payload) {
            return text(payload).startsWith("buffer:") ? ByteBuffer.wrap(bytes("xxPONGxx"), 2, 4) : null;
        }

        @NetcodeListener
        byte[] replyBytes(ByteBuffer payload) {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            return text(copy).startsWith("bytes:") ? bytes("pong") : null;
        }
    }

    static class CountingListener {

        final AtomicInteger count = new AtomicInteger();

        @NetcodeListener
        void onPayload(ByteBuffer payload) {
            count.incrementAndGet();
        }
    }

    static class SequenceListener {

        final List<Integer> sequence = new CopyOnWriteArrayList<>();

        @NetcodeListener
        void onPayload(ByteBuffer payload) {
            sequence.add(payload.getInt());
        }
    }

    /** Blocks the first payload of {@link #BLOCKED_CLIENT} until released; echoes every payload. */
    static class BlockingListener {

        static final long BLOCKED_CLIENT = 1;

        final CountDownLatch blocking = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @NetcodeListener
        byte[] onPayload(long clientId, byte[] payload) throws InterruptedException {
            if (clientId == BLOCKED_CLIENT && blocking.getCount() > 0) {
                blocking.countDown();
                release.await(WAIT_MILLIS * 3, TimeUnit.MILLISECONDS);
            }
            return payload;
        }
    }

    /** Holds the first payload until released; counts deliveries, sends nothing back. */
    static class GateListener {

        final CountDownLatch holding = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        final AtomicInteger delivered = new AtomicInteger();

        @NetcodeListener
        void onPayload(ByteBuffer payload) throws InterruptedException {
            if (holding.getCount() > 0) {
                holding.countDown();
                release.await(WAIT_MILLIS * 3, TimeUnit.MILLISECONDS);
            }
            delivered.incrementAndGet();
        }
    }

    static class FailingListener {

        @NetcodeListener
        byte[] handle(byte[] payload) {
            if (text(payload).equals("boom")) {
                throw new IllegalStateException("boom");
            }
            return payload;
        }
    }

    static class RecordingErrorHandler implements NetcodeListenerErrorHandler {

        final List<NetcodeSession> sessions = new CopyOnWriteArrayList<>();

        final List<NetcodeListenerMethod> listeners = new CopyOnWriteArrayList<>();

        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void handleError(NetcodeSession session, NetcodeListenerMethod listener, Throwable ex) {
            sessions.add(session);
            listeners.add(listener);
            errors.add(ex);
        }
    }

    /** Records lifecycle events and payloads (as text) in one sequence. */
    static class LifecycleRecorder {

        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @EventListener
        void on(NetcodeClientEvent event) {
            events.add(event);
        }

        @NetcodeListener
        void onPayload(byte[] payload) {
            events.add(text(payload));
        }

        Object next() throws InterruptedException {
            Object next = events.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(next).as("next event").isNotNull();
            return next;
        }
    }

    static class EventsOnly {

        final BlockingQueue<NetcodeClientEvent> events = new LinkedBlockingQueue<>();

        @EventListener
        void on(NetcodeClientEvent event) {
            events.add(event);
        }
    }

    static class FailingConnectListener {

        final AtomicInteger connects = new AtomicInteger();

        final BlockingQueue<NetcodeClientDisconnectedEvent> disconnected = new LinkedBlockingQueue<>();

        @EventListener
        void connected(NetcodeClientConnectedEvent event) {
            connects.incrementAndGet();
            throw new IllegalStateException("cannot welcome " + event.getSession());
        }

        @EventListener
        void disconnected(NetcodeClientDisconnectedEvent event) {
            disconnected.add(event);
        }
    }
}
