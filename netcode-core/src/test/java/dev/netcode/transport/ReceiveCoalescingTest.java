package dev.netcode.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.ServerConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Receive coalescing ({@link ReceiveCoalescing}) on both transports that coalesce, over real UDP on 127.0.0.1: what
 * makes a wait a pause, that a datagram does not end a pause while a wake-up, closing and the wait's own timeout do.
 * Times are only ever bounded from below, or against a window far longer than anything the test waits for.
 */
class ReceiveCoalescingTest {

    /** Longer than any test runs: a wait that ends before it was not a pause. */
    private static final Duration LONG_WINDOW = Duration.ofSeconds(60);
    private static final long LONG_WINDOW_MILLIS = LONG_WINDOW.toMillis();
    private static final long ARRIVAL_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<Transport> opened = new ArrayList<>();

    /** When {@link #takeOne} last returned (on its thread): the window of the pause after it counts from about then. */
    private static volatile long lastReceiveEnded;

    static Stream<String> transports() {
        return Stream.of(NioTransportProvider.NAME, NativeTransportProvider.NAME);
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Transport::close);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aWaitAfterABusyReceiveLastsTheWindowThoughADatagramIsWaiting(String name) throws Exception {
        Duration window = Duration.ofMillis(300);
        Transport transport = bind(name, window);
        Transport peer = bind(NioTransportProvider.NAME, Duration.ZERO);
        takeOne(transport, peer);
        peer.send(transport.localAddress(), new byte[] { 2 }, 0, 1);
        long started = System.nanoTime();
        transport.awaitDatagram(5_000);
        // Without coalescing the wait ends as soon as the datagram is there: at once.
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(window.toNanos());
        assertThat(transport.receive((from, buf, offset, length) -> { }, 10)).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aWaitAfterAReceiveThatTookNothingEndsWhenADatagramArrives(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        Transport peer = bind(NioTransportProvider.NAME, Duration.ZERO);
        takeOne(transport, peer);
        assertThat(transport.receive((from, buf, offset, length) -> { }, 10)).isZero();
        peer.send(transport.localAddress(), new byte[] { 2 }, 0, 1);
        awaitReturnsLongBeforeTheWindow(transport);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aReceiveThatStoppedAtItsLimitIsNotPausedAfter(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        Transport peer = bind(NioTransportProvider.NAME, Duration.ZERO);
        takeOne(transport, peer);
        peer.send(transport.localAddress(), new byte[] { 2 }, 0, 1);
        peer.send(transport.localAddress(), new byte[] { 3 }, 0, 1);
        List<Byte> taken = new ArrayList<>();
        long deadline = System.nanoTime() + ARRIVAL_TIMEOUT_NANOS;
        while (taken.isEmpty() && System.nanoTime() < deadline) {
            transport.awaitDatagram(100);
            transport.receive((from, buf, offset, length) -> taken.add(buf[offset]), 1);
        }
        assertThat(taken).containsExactly((byte) 2);
        // The loop is behind (a datagram is still queued): its next wait must not sleep.
        awaitReturnsLongBeforeTheWindow(transport);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void theWaitsTimeoutShortensAPause(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        takeOne(transport, bind(NioTransportProvider.NAME, Duration.ZERO));
        long started = System.nanoTime();
        transport.awaitDatagram(50);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50))
                .isLessThan(LONG_WINDOW.toNanos());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aWakeupFromAnotherThreadEndsAPause(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        Thread waiter = pauseInAnotherThread(transport, bind(NioTransportProvider.NAME, Duration.ZERO), t -> { });
        transport.wakeup();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).as("the pause ended long before its 60 s").isFalse();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void closingEndsAPause(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        Thread waiter = pauseInAnotherThread(transport, bind(NioTransportProvider.NAME, Duration.ZERO), t -> { });
        transport.close();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).as("the pause ended long before its 60 s").isFalse();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aWakeupJustBeforeThePauseIsNotLost(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        takeOne(transport, bind(NioTransportProvider.NAME, Duration.ZERO));
        transport.wakeup();
        awaitReturnsLongBeforeTheWindow(transport);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void workThatMayWaitForThePausesEndDoesNotEndIt(String name) throws Exception {
        Duration window = Duration.ofMillis(500);
        Transport transport = bind(name, window);
        Transport peer = bind(NioTransportProvider.NAME, Duration.ZERO);
        long[] paused = new long[1];
        Thread waiter = pauseInAnotherThread(transport, peer, t -> { }, paused);
        transport.wakeupAfterPause();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).isFalse();
        // (Counted from just after the receive, a hair after the pause's own start: hence not the whole window.)
        assertThat(paused[0]).as("the pause ran out its window").isGreaterThanOrEqualTo(window.toNanos() * 8 / 10);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aWakeupForACommandThatRanBeforeTheReceiveDoesNotCutTheNextPauseShort(String name) throws Exception {
        Duration window = Duration.ofMillis(300);
        Transport transport = bind(name, window);
        transport.wakeup();
        takeOne(transport, bind(NioTransportProvider.NAME, Duration.ZERO));
        long started = System.nanoTime();
        transport.awaitDatagram(5_000);
        // Had the stale wake-up cut it, the wait would have ended at once.
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(window.toNanos() / 2);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void theTimeSinceTheBusyReceiveCountsAgainstTheWindow(String name) throws Exception {
        Duration window = Duration.ofSeconds(1);
        Transport transport = bind(name, window);
        Transport peer = bind(NioTransportProvider.NAME, Duration.ZERO);
        takeOne(transport, peer);
        // The loop took longer than the window to handle what it received: it is behind and must not sleep.
        long behind = lastReceiveEnded + window.toNanos() + TimeUnit.MILLISECONDS.toNanos(50);
        while (System.nanoTime() - behind < 0) {
            LockSupport.parkNanos(behind - System.nanoTime());
        }
        peer.send(transport.localAddress(), new byte[] { 2 }, 0, 1);
        long started = System.nanoTime();
        transport.awaitDatagram(2 * LONG_WINDOW_MILLIS);
        assertThat(System.nanoTime() - started).as("an ordinary wait, ended by the datagram").isLessThan(window.toNanos());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void anInterruptEndsAPauseWithInterruptedException(String name) throws Exception {
        Transport transport = bind(name, LONG_WINDOW);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread waiter = pauseInAnotherThread(transport, bind(NioTransportProvider.NAME, Duration.ZERO), ended::set);
        waiter.interrupt();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aNegativeWindowIsRefused() {
        assertThatThrownBy(() -> new TransportOptions(UdpTransport.SOCKET_BUFFER_BYTES, false, Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
    }

    @Test
    void aServerCoalescesAQuarterMillisecondByDefaultAndAcceptsZeroToTenMilliseconds() {
        ServerConfig.Builder builder = ServerConfig.builder(1, new byte[32]);
        assertThat(builder.build().receiveCoalescing()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(builder.receiveCoalescing(Duration.ZERO).build().receiveCoalescing()).isZero();
        assertThat(builder.receiveCoalescing(Duration.ofMillis(10)).build().receiveCoalescing())
                .isEqualTo(Duration.ofMillis(10));
        assertThatThrownBy(() -> builder.receiveCoalescing(Duration.ofNanos(10_000_001)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("receive coalescing must be 0 (off) to 10 ms, got 10000.001 µs");
        assertThatThrownBy(() -> builder.receiveCoalescing(Duration.ofNanos(-1000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Transport bind(String name, Duration window) {
        if (name.equals(NativeTransportProvider.NAME)) {
            Assumptions.assumeTrue(NativeUdpTransport.isAvailable(), NativeUdpTransport::unavailabilityReason);
        }
        TransportOptions options = new TransportOptions(UdpTransport.SOCKET_BUFFER_BYTES, false, window);
        NetcodeAddress address = NetcodeAddress.parse("127.0.0.1:0");
        Transport transport = name.equals(NativeTransportProvider.NAME) ? NativeUdpTransport.bind(address, options)
                : UdpTransport.bind(address, options);
        opened.add(transport);
        return transport;
    }

    /** Sends one datagram from {@code peer} and receives it on {@code transport}: a busy receive that emptied the socket. */
    private static void takeOne(Transport transport, Transport peer) throws InterruptedException {
        peer.send(transport.localAddress(), new byte[] { 1 }, 0, 1);
        int taken = 0;
        long deadline = System.nanoTime() + ARRIVAL_TIMEOUT_NANOS;
        while (taken == 0 && System.nanoTime() < deadline) {
            transport.awaitDatagram(100);
            taken = transport.receive((from, buf, offset, length) -> { }, 10);
        }
        assertThat(taken).as("the peer's datagram arrived").isEqualTo(1);
        lastReceiveEnded = System.nanoTime();
    }

    private static void awaitReturnsLongBeforeTheWindow(Transport transport) throws InterruptedException {
        long started = System.nanoTime();
        transport.awaitDatagram(2 * LONG_WINDOW_MILLIS);
        assertThat(System.nanoTime() - started).as("an ordinary wait, not a pause").isLessThan(LONG_WINDOW.toNanos());
    }

    /**
     * Starts a thread that takes one datagram on {@code transport} and then waits (a pause, since that receive was
     * busy), and returns once it is parked in the pause. {@code ended} gets what ended the wait by throwing.
     */
    private static Thread pauseInAnotherThread(Transport transport, Transport peer, Consumer<Throwable> ended)
            throws InterruptedException {
        return pauseInAnotherThread(transport, peer, ended, new long[1]);
    }

    /** As above; {@code paused[0]} gets how long the wait lasted, from the end of the receive before it. */
    private static Thread pauseInAnotherThread(Transport transport, Transport peer, Consumer<Throwable> ended,
            long[] paused) throws InterruptedException {
        CountDownLatch pausing = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                takeOne(transport, peer);
                pausing.countDown();
                transport.awaitDatagram(2 * LONG_WINDOW_MILLIS);
                paused[0] = System.nanoTime() - lastReceiveEnded;
            }
            catch (Throwable ex) {
                failure.set(ex);
                ended.accept(ex);
            }
        });
        waiter.start();
        assertThat(pausing.await(10, TimeUnit.SECONDS)).as("the waiter took its datagram").isTrue();
        long deadline = System.nanoTime() + ARRIVAL_TIMEOUT_NANOS;
        while (!(waiter.getState() == Thread.State.TIMED_WAITING && isParkedIn(waiter)) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(isParkedIn(waiter)).as("the waiter is in its pause").isTrue();
        assertThat(failure.get()).isNull();
        return waiter;
    }

    private static boolean isParkedIn(Thread waiter) {
        return LockSupport.getBlocker(waiter) instanceof ReceiveCoalescing;
    }
}
