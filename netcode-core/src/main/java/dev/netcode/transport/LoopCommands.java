package dev.netcode.transport;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands other threads submit to an {@link UpdateLoop}, run on the loop's thread after its update. Any thread may
 * {@link #add}; only the loop's thread calls {@link #runAll}.
 */
public final class LoopCommands {

    private static final Logger log = LoggerFactory.getLogger(LoopCommands.class);

    private final String loopName;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

    /** @param loopName names the loop in the warning a failing command logs */
    public LoopCommands(String loopName) {
        this.loopName = Objects.requireNonNull(loopName, "loopName");
    }

    public void add(Runnable command) {
        queue.add(Objects.requireNonNull(command, "command"));
    }

    /** Runs every command queued, in order, including those added meanwhile; a failing one is logged and skipped. */
    public void runAll() {
        Runnable command;
        while ((command = queue.poll()) != null) {
            try {
                command.run();
            }
            catch (RuntimeException | Error ex) {
                // As for event handlers: one caller's failing command must not end the loop for everyone.
                log.warn("netcode loop {}: a command failed", loopName, ex);
            }
        }
    }
}
