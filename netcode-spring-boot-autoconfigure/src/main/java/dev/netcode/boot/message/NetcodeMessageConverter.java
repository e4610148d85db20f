package dev.netcode.boot.message;

import java.nio.ByteBuffer;

import org.springframework.core.ResolvableType;

/**
 * Converts between the bytes of a channel message and the objects a
 * {@link dev.netcode.boot.listener.NetcodeListener @NetcodeListener} method takes and returns, and
 * that {@link dev.netcode.boot.listener.NetcodeSession#send(String, Object)} and
 * {@link NetcodeMessagingTemplate} send. Declare one as a bean to add a format (Protobuf, CBOR, a
 * game's own encoding).
 *
 * <p>Converters are asked in {@link org.springframework.core.Ordered order} ({@code @Order} or
 * {@code Ordered}); the first that can read (or write) a type handles it. The built-in ones are
 * {@code byte[]}, {@link ByteBuffer} and {@link String} (UTF-8) at
 * {@link #BUILT_IN_ORDER}, and JSON through the application's Jackson {@code JsonMapper} at
 * {@link #JSON_ORDER}, the very last, because it accepts every type. A converter bean without an
 * order comes before the JSON one too (beans of the application are registered before those of
 * auto-configuration), but give it an order to be explicit.
 *
 * <p>{@link #canRead} and {@link #canWrite} are asked once per type: at start-up for every listener
 * parameter and return type (a type no converter handles fails start-up), and on the first send of
 * each class. {@link #read} and {@link #write} run for every message, on listener threads and on the
 * threads that send, so they must be thread-safe.
 */
public interface NetcodeMessageConverter {

    /** The order of the built-in {@code byte[]}, {@code ByteBuffer} and {@code String} converters. */
    int BUILT_IN_ORDER = org.springframework.core.Ordered.LOWEST_PRECEDENCE - 100;

    /** The order of the built-in JSON converter: last. */
    int JSON_ORDER = org.springframework.core.Ordered.LOWEST_PRECEDENCE;

    /** Whether {@link #read} can produce a value of {@code type} (a listener parameter's type). */
    boolean canRead(ResolvableType type);

    /** Whether {@link #write} can encode values of {@code type}. */
    boolean canWrite(Class<?> type);

    /**
     * Decodes one message.
     *
     * @param type the type asked for, one {@link #canRead} accepted
     * @param message the message's bytes, read-only, from its position to its limit; valid only
     *        during the call (the buffer is reused), so copy what you keep
     * @return the value; {@code null} only where the listener parameter accepts it
     * @throws NetcodeMessageConversionException if the bytes are not a valid message of that type
     */
    Object read(ResolvableType type, ByteBuffer message);

    /**
     * Encodes one value, of a class {@link #canWrite} accepted. The caller only reads the array and
     * does not keep it after the send returns (the message is copied), so it may be an array the
     * value already holds.
     *
     * @throws NetcodeMessageConversionException if the value cannot be encoded
     */
    byte[] write(Object value);
}
