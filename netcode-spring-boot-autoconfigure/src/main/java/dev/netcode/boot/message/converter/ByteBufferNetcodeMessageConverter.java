package dev.netcode.boot.message.converter;

import java.nio.ByteBuffer;

import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

import dev.netcode.boot.message.NetcodeMessageConverter;

/**
 * {@link ByteBuffer}: read as the dispatcher's read-only buffer itself (no copy; valid only during
 * the call); written as a copy of the buffer's remaining bytes, leaving its position alone.
 */
public class ByteBufferNetcodeMessageConverter implements NetcodeMessageConverter, Ordered {

    @Override
    public boolean canRead(ResolvableType type) {
        return type.resolve() == ByteBuffer.class;
    }

    @Override
    public boolean canWrite(Class<?> type) {
        return ByteBuffer.class.isAssignableFrom(type);
    }

    @Override
    public Object read(ResolvableType type, ByteBuffer message) {
        return message;
    }

    @Override
    public byte[] write(Object value) {
        ByteBuffer buffer = (ByteBuffer) value;
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }

    @Override
    public int getOrder() {
        return BUILT_IN_ORDER;
    }
}
