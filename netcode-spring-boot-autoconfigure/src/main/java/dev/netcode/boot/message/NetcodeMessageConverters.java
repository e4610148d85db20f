package dev.netcode.boot.message;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;

/**
 * The application's {@link NetcodeMessageConverter}s in the order they are asked, and which one
 * handles a type: the first that accepts it. Writers are looked up per class and remembered, so a
 * send after the first of a class asks no converter again.
 */
public final class NetcodeMessageConverters {

    private final List<NetcodeMessageConverter> converters;

    private final Map<Class<?>, Optional<NetcodeMessageConverter>> writers = new ConcurrentHashMap<>();

    /** @param converters in the order to ask them */
    public NetcodeMessageConverters(List<? extends NetcodeMessageConverter> converters) {
        this.converters = List.copyOf(converters);
    }

    /** The converters, in order. */
    public List<NetcodeMessageConverter> converters() {
        return converters;
    }

    /** The first converter that can read {@code type}, or {@code null}. */
    public @Nullable NetcodeMessageConverter readerFor(ResolvableType type) {
        for (NetcodeMessageConverter converter : converters) {
            if (converter.canRead(type)) {
                return converter;
            }
        }
        return null;
    }

    /** The first converter that can write {@code type}, or {@code null}. */
    public @Nullable NetcodeMessageConverter writerFor(Class<?> type) {
        Optional<NetcodeMessageConverter> writer = writers.get(type);
        if (writer == null) {
            writer = converters.stream().filter((converter) -> converter.canWrite(type)).findFirst();
            writers.put(type, writer);
        }
        return writer.orElse(null);
    }

    /**
     * Encodes {@code value} with the first converter that can write its class.
     *
     * @throws NetcodeMessageConversionException if none can, or the converter fails
     */
    public byte[] write(Object value) {
        NetcodeMessageConverter writer = writerFor(value.getClass());
        if (writer == null) {
            throw new NetcodeMessageConversionException("No NetcodeMessageConverter can write "
                    + value.getClass().getName() + "; converters: " + converters);
        }
        return writer.write(value);
    }

    @Override
    public String toString() {
        return "NetcodeMessageConverters" + converters;
    }
}
