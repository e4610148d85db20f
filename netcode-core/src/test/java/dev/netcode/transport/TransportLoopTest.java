package dev.netcode.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TransportLoop}: after each update it waits as long as the state machine's next
 * deadline allows, within [1 ms, max], rounded up. The transport here returns from
 * {@link Transport#awaitDatagram} at once and records what it was asked, so nothing sleeps.
 */
class TransportLoopTest {

    @Test
    void waitIsTheTimeToTheDeadlineRoundedUpWithinOneMillisecondAndTheMaximum() {
        assertThat(TransportLoop.waitMillis(0.0304, 100)).isEqualTo(31);
        assertThat(TransportLoop.waitMillis(0.030, 100)).isEqualTo(30);
        assertThat(TransportLoop.waitMillis(0.0000001, 100)).isEqualTo(1);
        assertThat(TransportLoop.waitMillis(0.0, 100)).as("due now: the update just ran").isEqualTo(1);
        assertThat(TransportLoop.waitMillis(-5.0, 100)).as("overdue").isEqualTo(1);
        assertThat(TransportLoop.waitMillis(0.5, 100)).isEqualTo(100);
        assertThat(TransportLoop.waitMillis(Double.POSITIVE_INFINITY, 100)).isEqualTo(100);
    }

    @Test
    void loopAsksTheTransportToWaitUntilTheNextUpdateTime() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        TransportLoop[] loop = new TransportLoop[1];
        loop[0] = new TransportLoop("loop-test", transport, 0.0, now -> { }, () -> loop[0].now() + 0.040, () -> { });
        loop[0].start();
        try {
            assertThat(transport.awaitRecorded()).isTrue();
            // 40 ms ahead when asked, a moment (or, on a busy machine, a preemption) earlier than the loop
            // subtracts its own clock: never more than 40, and 40 or just under when nothing intervened.
            assertThat(transport.waits).allSatisfy(w -> assertThat(w).isBetween(1L, 40L));
            assertThat(transport.waits.stream().mapToLong(Long::longValue).max().getAsLong()).isGreaterThanOrEqualTo(35);
        }
        finally {
            loop[0].stop(5_000);
        }
        assertThat(loop[0].isAlive()).isFalse();

        RecordingTransport idle = new RecordingTransport();
        TransportLoop noDeadline = new TransportLoop("loop-test-idle", idle, 0.0, now -> { },
                () -> Double.POSITIVE_INFINITY, () -> { });
        noDeadline.start();
        try {
            assertThat(idle.awaitRecorded()).isTrue();
            assertThat(idle.waits).allSatisfy(w -> assertThat(w).isEqualTo(TransportLoop.MAX_WAIT_MILLIS));
        }
        finally {
            noDeadline.stop(5_000);
        }
    }

    /** A command that throws an {@code Error} (an assertion, a stack overflow) is logged; the loop goes on. */
    @Test
    void commandThrowingAnErrorLeavesTheLoopRunning() throws Exception {
        TransportLoop loop = new TransportLoop("loop-test-error", new RecordingTransport(), 0.0, now -> { },
                () -> Double.POSITIVE_INFINITY, () -> { });
        loop.start();
        try {
            CountDownLatch first = new CountDownLatch(1);
            loop.execute(() -> {
                throw new AssertionError("a caller's assertion");
            });
            loop.execute(first::countDown);
            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            // A loop that ended would have run the commands already queued, but never a later one.
            CountDownLatch later = new CountDownLatch(1);
            loop.execute(later::countDown);
            assertThat(later.await(5, TimeUnit.SECONDS)).as("a command submitted afterwards runs").isTrue();
            assertThat(loop.isAlive()).isTrue();
        }
        finally {
            loop.stop(5_000);
        }
    }

    /**
     * A batching transport may hold sends back until {@link Transport#flush()}: the loop flushes
     * after every update and the commands after it, before it waits, and once more on the way out,
     * so nothing a state machine or a command sent is left unsent while the loop sleeps or ends.
     */
    @Test
    void loopFlushesWhatTheUpdateAndTheCommandsSentBeforeItWaitsAndWhenItEnds() throws Exception {
        NetcodeAddress peer = NetcodeAddress.parse("127.0.0.1:2");
        BatchingTransport transport = new BatchingTransport();
        TransportLoop loop = new TransportLoop("loop-test-flush", transport, 0.0,
                now -> transport.send(peer, new byte[1], 0, 1), () -> Double.POSITIVE_INFINITY, () -> { });
        loop.start();
        CountDownLatch commandRan = new CountDownLatch(1);
        try {
            loop.execute(() -> {
                transport.send(peer, new byte[2], 0, 2);
                commandRan.countDown();
            });
            assertThat(commandRan.await(5, TimeUnit.SECONDS)).isTrue();
        }
        finally {
            loop.stop(5_000);
        }
        assertThat(loop.isAlive()).isFalse();
        assertThat(transport.unflushedAtAwait).as("datagrams held back while the loop waited").isEmpty();
        assertThat(transport.held).as("datagrams held back when the loop ended").isZero();
        assertThat(transport.flushed).contains(1, 2);
    }

    /** Holds sends back until flush, and notes any still held when the loop starts to wait. */
    private static final class BatchingTransport implements Transport {

        final List<Integer> flushed = new CopyOnWriteArrayList<>();
        final List<Integer> unflushedAtAwait = new CopyOnWriteArrayList<>();
        private final List<Integer> pending = new CopyOnWriteArrayList<>();
        volatile int held;

        @Override
        public NetcodeAddress localAddress() {
            return NetcodeAddress.parse("127.0.0.1:1");
        }

        @Override
        public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
            pending.add(length);
            held = pending.size();
        }

        @Override
        public void flush() {
            flushed.addAll(pending);
            pending.clear();
            held = 0;
        }

        @Override
        public int receive(DatagramHandler handler, int max) {
            return 0;
        }

        @Override
        public void awaitDatagram(long timeoutMillis) {
            unflushedAtAwait.addAll(pending);
            LockSupport.parkNanos(1_000_000);
        }

        @Override
        public void close() {
        }
    }

    /** Records each {@code awaitDatagram} timeout and returns at once. */
    private static final class RecordingTransport implements Transport {

        final List<Long> waits = new CopyOnWriteArrayList<>();
        private final CountDownLatch recorded = new CountDownLatch(20);

        /** Waits until 20 timeouts are recorded. */
        boolean awaitRecorded() throws InterruptedException {
            return recorded.await(5, TimeUnit.SECONDS);
        }

        @Override
        public NetcodeAddress localAddress() {
            return NetcodeAddress.parse("127.0.0.1:1");
        }

        @Override
        public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
        }

        @Override
        public int receive(DatagramHandler handler, int max) {
            return 0;
        }

        @Override
        public void awaitDatagram(long timeoutMillis) {
            if (recorded.getCount() > 0) {
                waits.add(timeoutMillis);
                recorded.countDown();
            }
            else {
                LockSupport.parkNanos(1_000_000); // enough recorded; just don't spin
            }
        }

        @Override
        public void close() {
        }
    }
}
