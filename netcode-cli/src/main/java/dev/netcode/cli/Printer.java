package dev.netcode.cli;

import java.io.PrintStream;

/** Whole lines, flushed at once, never interleaved with another thread's line. */
final class Printer {

    private Printer() {
    }

    static void line(PrintStream out, String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}
