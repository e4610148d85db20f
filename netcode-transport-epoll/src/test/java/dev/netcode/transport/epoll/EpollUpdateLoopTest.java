package dev.netcode.transport.epoll;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.UpdateLoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EpollUpdateLoopTest {

    /**
     * A game thread that submits a command per client per tick must cost one update for the lot (each update scans
     * every slot), as one wake-up of the portable loop does, not one update per command.
     */
    @Test
    void commandsSubmittedWhileTheLoopIsBusyShareOneUpdate() throws Exception {
        assumeTrue(EpollTransport.isAvailable(), () -> "no native epoll here: " + EpollTransport.unavailabilityCause());
        EpollTransport transport = EpollTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        AtomicInteger updates = new AtomicInteger();
        UpdateLoop loop = transport.newLoop("netcode-test-loop", 0.0, now -> updates.incrementAndGet(),
                () -> Double.POSITIVE_INFINITY, transport::close);
        loop.start();
        try {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                busy.countDown();
                await(release);
            });
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            int updatesBefore = updates.get();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch allRan = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                loop.execute(() -> {
                    ran.incrementAndGet();
                    allRan.countDown();
                });
            }
            release.countDown();
            assertThat(allRan.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(ran).hasValue(1000);
            // One for the queued commands, plus whatever the deadline timer adds while this runs (one per second).
            assertThat(updates.get() - updatesBefore).isLessThan(20);
        }
        finally {
            loop.stop(5_000);
        }
        assertThat(loop.isAlive()).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
