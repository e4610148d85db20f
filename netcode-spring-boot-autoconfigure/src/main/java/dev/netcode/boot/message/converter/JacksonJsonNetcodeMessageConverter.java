package dev.netcode.boot.message.converter;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.ByteBufferBackedInputStream;

import dev.netcode.boot.message.NetcodeMessageConversionException;
import dev.netcode.boot.message.NetcodeMessageConverter;

/**
 * JSON through a Jackson 3 {@link JsonMapper}, normally the application's own (so its modules and
 * settings apply): reads and writes any type, generic ones included ({@code List<Item>}), which is
 * why it is asked last ({@link #JSON_ORDER}).
 */
public class JacksonJsonNetcodeMessageConverter implements NetcodeMessageConverter, Ordered {

    private final JsonMapper mapper;

    public JacksonJsonNetcodeMessageConverter(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public boolean canRead(ResolvableType type) {
        return type.resolve() != null;
    }

    @Override
    public boolean canWrite(Class<?> type) {
        return true;
    }

    @Override
    public Object read(ResolvableType type, ByteBuffer message) {
        try {
            return mapper.readValue(new ByteBufferBackedInputStream(message.duplicate()),
                    mapper.constructType(type.getType()));
        }
        catch (JacksonException ex) {
            throw new NetcodeMessageConversionException("Message of " + message.remaining()
                    + " bytes is not JSON for " + type + ": " + ex.getOriginalMessage(), ex);
        }
    }

    @Override
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        }
        catch (JacksonException ex) {
            throw new NetcodeMessageConversionException("Cannot write " + value.getClass().getName() + " as JSON: "
                    + ex.getOriginalMessage(), ex);
        }
    }

    @Override
    public int getOrder() {
        return JSON_ORDER;
    }
}
