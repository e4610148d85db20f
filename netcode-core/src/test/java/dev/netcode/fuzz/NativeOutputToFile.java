package dev.netcode.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sends what native code writes to the fuzzing JVM's standard output and error (libFuzzer's progress, corpus,
 * dictionary and final statistics, a crash or timeout report, Jazzer's own native notices) to
 * {@code <dir>/<TestClass>-libfuzzer.txt} while a test class runs, {@code <dir>} being the system property
 * {@value #DIRECTORY_PROPERTY}. Native code writes to file descriptors 1 and 2 directly, past {@code System.out}
 * and {@code System.err}, so surefire's {@code redirectTestOutputToFile} cannot catch it, and each fuzz target
 * would print some hundred lines into the build's log.
 *
 * <p>Only netcode-core's {@code fuzz} surefire execution uses this: it sets the property and switches on JUnit's
 * extension auto-detection, which finds this class through {@code META-INF/services}. That execution talks to its
 * forked JVM over TCP, so descriptor 1 is free to redirect. Without the property, or on Windows (whose C runtime
 * names these functions differently), nothing is redirected. When the JVM dies while fuzzing (a libFuzzer timeout
 * or a crash in native code), surefire names the crashed class, and its report is in this file.
 */
public final class NativeOutputToFile implements BeforeAllCallback, AfterAllCallback {

    static final String DIRECTORY_PROPERTY = "netcode.fuzz.native-output";

    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    /** The POSIX C library functions this needs, through JNA (a netcode-core dependency). */
    public interface C extends Library {
        Pointer fopen(String path, String mode);

        int fileno(Pointer stream);

        int fflush(Pointer stream);

        int fclose(Pointer stream);

        int dup(int fd);

        int dup2(int fd, int target);

        int close(int fd);
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NativeOutputToFile.class);

    /** What {@link #afterAll} undoes: the open file and the saved descriptors 1 and 2. */
    private record Redirection(C c, Pointer file, int savedOut, int savedErr) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        String directory = System.getProperty(DIRECTORY_PROPERTY, "");
        if (directory.isBlank() || Platform.isWindows()) {
            return;
        }
        Path target = Files.createDirectories(Path.of(directory))
                .resolve(context.getRequiredTestClass().getName() + "-libfuzzer.txt");
        C c = Native.load(Platform.C_LIBRARY_NAME, C.class);
        Pointer file = c.fopen(target.toString(), "w");
        if (file == null) {
            throw new IOException("cannot open " + target + " for the fuzzer's native output (errno " + Native.getLastError() + ")");
        }
        c.fflush(null);
        int savedOut = c.dup(STDOUT);
        int savedErr = c.dup(STDERR);
        if (savedOut < 0 || savedErr < 0 || c.dup2(c.fileno(file), STDOUT) < 0 || c.dup2(c.fileno(file), STDERR) < 0) {
            throw new IOException("cannot redirect native output to " + target + " (errno " + Native.getLastError() + ")");
        }
        context.getStore(NAMESPACE).put(Redirection.class, new Redirection(c, file, savedOut, savedErr));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Redirection redirection = context.getStore(NAMESPACE).remove(Redirection.class, Redirection.class);
        if (redirection == null) {
            return;
        }
        C c = redirection.c();
        c.fflush(null);
        c.dup2(redirection.savedOut(), STDOUT);
        c.dup2(redirection.savedErr(), STDERR);
        c.close(redirection.savedOut());
        c.close(redirection.savedErr());
        c.fclose(redirection.file());
    }
}
