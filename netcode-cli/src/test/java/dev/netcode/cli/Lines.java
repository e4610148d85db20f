package dev.netcode.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A thread-safe sink for a command's stdout or stderr that splits it into lines and lets a test
 * wait for a line to appear.
 */
final class Lines extends OutputStream {

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();
    private final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

    PrintStream stream() {
        return stream;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines.add(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
            notifyAll();
        }
        else {
            partial.write(b);
        }
    }

    /** Every complete line so far. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything so far, as text. */
    synchronized String text() {
        return String.join("\n", lines) + (partial.size() > 0 ? "\n" + partial.toString(StandardCharsets.UTF_8) : "");
    }

    /** Waits up to {@code timeout} until {@code count} lines match {@code condition}. */
    synchronized void awaitCount(Predicate<String> condition, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().filter(condition).count() < count) {
            long remaining = (deadline - System.nanoTime()) / 1_000_000;
            if (remaining <= 0) {
                throw new AssertionError("fewer than " + count + " matching lines within " + timeout + "; got:\n" + text());
            }
            wait(remaining);
        }
    }

    /** The first line matching {@code condition}, waiting up to {@code timeout} for it. */
    synchronized String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : lines) {
                if (condition.test(line)) {
                    return line;
                }
            }
            long remaining = (deadline - System.nanoTime()) / 1_000_000;
            if (remaining <= 0) {
                throw new AssertionError("no matching line within " + timeout + "; got:\n" + text());
            }
            wait(remaining);
        }
    }
}
