package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per message sent and received in steady state, on each delivery mode: two
 * connections joined by a preallocated in-memory wire (no simulator, which allocates per packet),
 * measured with the JVM's per-thread allocation counter after a warm-up that lets every buffer grow.
 */
class MessageAllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 50_000;

    /** A wire of fixed datagram slots: what one side sends in a tick, the other reads in the next. */
    private static final class Wire {
        final byte[][] datagrams = new byte[64][1200];
        final int[] lengths = new int[64];
        int count;

        void send(byte[] buf, int offset, int length) {
            System.arraycopy(buf, offset, datagrams[count], 0, length);
            lengths[count++] = length;
        }

        void deliver(MessageConnection to) {
            for (int i = 0; i < count; i++) {
                to.receivePayload(datagrams[i], 0, lengths[i]);
            }
            count = 0;
        }
    }

    @Test
    void steadyStateAllocatesNothingPerMessageOnAnyDeliveryMode() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (DeliveryMode mode : DeliveryMode.values()) {
            MessageConfig config = MessageConfig.of(ChannelConfig.of("channel", mode));
            Wire toB = new Wire();
            Wire toA = new Wire();
            long[] received = {0};
            MessageConnection a = new MessageConnection(config, 0, toB::send, (channel, buf, offset, length) -> { });
            MessageConnection b = new MessageConnection(config, 0, toA::send,
                    (channel, buf, offset, length) -> received[0]++);
            byte[] message = new byte[100];
            double[] time = {0};
            Runnable tick = () -> {
                for (int i = 0; i < 4; i++) {
                    a.send(0, message, 0, 20 + i * 20);
                }
                time[0] += 0.01;
                toA.deliver(a);
                toB.deliver(b);
                a.update(time[0]);
                b.update(time[0]);
            };
            for (int i = 0; i < WARM_UP / 4; i++) {
                tick.run();
            }
            long before = threads.getThreadAllocatedBytes(thread);
            long receivedBefore = received[0];
            for (int i = 0; i < MEASURED / 4; i++) {
                tick.run();
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            long delivered = received[0] - receivedBefore;
            System.out.printf("allocation: %s %.3f bytes per message (%d messages)%n", mode,
                    (double) allocated / MEASURED, delivered);
            assertThat(delivered).as(mode + " delivered").isGreaterThanOrEqualTo(MEASURED - 8);
            assertThat((double) allocated / MEASURED).as(mode + " bytes allocated per message").isLessThan(1.0);
        }
    }
}
