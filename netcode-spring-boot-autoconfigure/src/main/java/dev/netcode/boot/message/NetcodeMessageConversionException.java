package dev.netcode.boot.message;

/**
 * A message could not be decoded into the type a listener asked for, or a value could not be
 * encoded. Thrown for a single message: a listener's {@code NetcodeListenerErrorHandler} gets it,
 * the message is dropped and counted, and the next one is delivered as usual.
 */
public class NetcodeMessageConversionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NetcodeMessageConversionException(String message) {
        super(message);
    }

    public NetcodeMessageConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
