package dev.netcode.fleet;

/**
 * A shared directory cannot be reached or did not answer in time (Redis down, restarting, a network
 * partition). Nothing was reserved or announced; the caller may retry. Token endpoints answer 503.
 */
public class ServerDirectoryUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ServerDirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
