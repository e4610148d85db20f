package dev.netcode.demo.client;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;

/**
 * Puts the terminal into raw mode (every key press arrives at once, nothing is echoed) with the
 * {@code stty} command, and puts it back as it was on {@link #close()} or, should the JVM end
 * first, from a shutdown hook. Java has no terminal API of its own; {@code stty} acts on the
 * terminal it reads from, so it reads from {@code /dev/tty}. Unix-like systems only.
 */
final class RawTerminal implements AutoCloseable {

    private static final File TTY = new File("/dev/tty");

    private final String saved;
    private final Thread restoreOnExit;

    private RawTerminal(String saved) {
        this.saved = saved;
        this.restoreOnExit = new Thread(this::restore, "restore-terminal");
    }

    static RawTerminal enter() throws IOException {
        RawTerminal terminal = new RawTerminal(stty("-g"));
        Runtime.getRuntime().addShutdownHook(terminal.restoreOnExit);
        stty("raw", "-echo");
        return terminal;
    }

    /** Whether standard input is a terminal (and not a pipe or a file). */
    static boolean isStandardInputATerminal() {
        try {
            Process test = new ProcessBuilder("sh", "-c", "test -t 0").redirectInput(Redirect.INHERIT).start();
            return test.waitFor() == 0;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Rows and columns of the terminal, or {@code fallback} when {@code stty} cannot tell. */
    static int[] size(int[] fallback) {
        try {
            String[] rowsCols = stty("size").split("\\s+");
            return new int[] { Integer.parseInt(rowsCols[0]), Integer.parseInt(rowsCols[1]) };
        }
        catch (IOException | RuntimeException ex) {
            return fallback;
        }
    }

    private void restore() {
        try {
            stty(saved);
        }
        catch (IOException ex) {
            // Nothing else to try; 'reset' in the shell fixes the terminal.
        }
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        }
        catch (IllegalStateException ex) {
            // The JVM is shutting down; the hook runs anyway.
        }
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectInput(TTY).redirectError(Redirect.INHERIT).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (process.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
            return output;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty", ex);
        }
    }
}
