package dev.netcode.cli;

/**
 * Bad or missing command line arguments: the command prints its usage to stderr and exits with
 * {@link NetcodeCli#EXIT_USAGE}. The message never repeats a key.
 */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
