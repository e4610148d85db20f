package dev.netcode.boot.message;

/**
 * A message from a client that the listener's converter could not read into the parameter's type
 * (bad JSON, bad UTF-8, ...). Unlike other listener failures it is the client's doing, so the
 * default error handler logs it at DEBUG without a stack trace: a client must not be able to fill
 * the log by sending junk.
 */
public class UnreadableNetcodeMessageException extends NetcodeMessageConversionException {

    private static final long serialVersionUID = 1L;

    public UnreadableNetcodeMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
