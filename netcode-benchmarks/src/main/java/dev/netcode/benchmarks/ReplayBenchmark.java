package dev.netcode.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.packet.ReplayProtection;

/**
 * The replay window: checking and recording a fresh sequence (every accepted packet pays both),
 * and rejecting a replayed one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReplayBenchmark {

    private final ReplayProtection window = new ReplayProtection();
    private long sequence = 1_000;

    @Benchmark
    public boolean checkAndAdvanceFresh() {
        long s = sequence++;
        boolean replayed = window.isAlreadyReceived(s);
        if (!replayed) {
            window.advance(s);
        }
        return replayed;
    }

    @Benchmark
    public boolean checkReplayed() {
        // Behind the newest sequence recorded so far: inside the window but already seen, or too old.
        return window.isAlreadyReceived(window.mostRecentSequence() - (sequence++ & 511));
    }
}
