package dev.netcode.reliability;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shared pieces of the reliability tests: the short/long switch, percentiles, heap measurement,
 * and launching a Java main from the test classpath in a second OS process.
 *
 * <p>Every test has a short version that runs in {@code mvn verify} and a long one selected with
 * {@code -Dnetcode.reliability.long=true} (or per test, with the property it documents). Surefire
 * hands {@code -D} options of the Maven command line to the test JVM.
 */
final class Reliability {

    static final String LONG = "netcode.reliability.long";

    private Reliability() {
    }

    static boolean longRun() {
        return Boolean.getBoolean(LONG);
    }

    /** {@code -Dname=N} if given, else the long or the short default. */
    static long setting(String name, long shortValue, long longValue) {
        String value = System.getProperty(name);
        if (value != null && !value.isBlank()) {
            return Long.parseLong(value.trim());
        }
        return longRun() ? longValue : shortValue;
    }

    /** Nearest-rank percentile ({@code p} in 0..1) of {@code values}; NaN when empty. */
    static double percentile(long[] values, int count, double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)];
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Heap in use after full collections, in bytes: the live set, give or take. */
    static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Ids of the live threads. */
    static java.util.Set<Long> threadIds() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** Live threads whose name starts with {@code prefix}. */
    static int liveThreads(String prefix) {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(prefix)) {
                count++;
            }
        }
        return count;
    }

    /**
     * A process running {@code mainClass} from this JVM's classpath with the same Java, at the
     * lowest CPU priority this JVM runs with (children inherit niceness). Its stdout and stderr go
     * to {@code log}.
     */
    static Process launch(Class<?> mainClass, List<String> jvmOptions, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        // The child binds the transport this run tests: the nio and epoll runs switch the native one off.
        String nativeTransport = System.getProperty("netcode.transport.jni");
        if (nativeTransport != null) {
            command.add("-Dnetcode.transport.jni=" + nativeTransport);
        }
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        File logFile = log.toFile();
        builder.redirectOutput(logFile);
        return builder.start();
    }
}
