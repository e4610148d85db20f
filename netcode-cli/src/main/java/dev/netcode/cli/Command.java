package dev.netcode.cli;

import java.io.PrintStream;
import java.util.Map;

/** One subcommand of {@link NetcodeCli}. */
interface Command {

    /** The word that selects it on the command line. */
    String name();

    /** One line for the overall usage. */
    String summary();

    /** The full usage text, flags included, without a trailing newline. */
    String usage();

    /**
     * Runs the command with the arguments after its name.
     *
     * @param environment the process's environment variables ({@link System#getenv()}, or a test's own map)
     * @return {@link NetcodeCli#EXIT_OK}, {@link NetcodeCli#EXIT_FAILURE}, or for the fleet commands
     *         {@link NetcodeCli#EXIT_FLEET_FULL} or {@link NetcodeCli#EXIT_DIRECTORY_UNAVAILABLE}
     * @throws UsageException for bad or missing arguments, before anything has been done
     */
    int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) throws UsageException;
}
