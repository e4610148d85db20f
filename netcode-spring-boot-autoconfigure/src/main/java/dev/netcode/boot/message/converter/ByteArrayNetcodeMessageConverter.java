package dev.netcode.boot.message.converter;

import java.nio.ByteBuffer;

import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

import dev.netcode.boot.message.NetcodeMessageConverter;

/** {@code byte[]}: a copy of the message (a new array per message); written as is, without a copy. */
public class ByteArrayNetcodeMessageConverter implements NetcodeMessageConverter, Ordered {

    @Override
    public boolean canRead(ResolvableType type) {
        return type.resolve() == byte[].class;
    }

    @Override
    public boolean canWrite(Class<?> type) {
        return type == byte[].class;
    }

    @Override
    public Object read(ResolvableType type, ByteBuffer message) {
        byte[] copy = new byte[message.remaining()];
        message.get(message.position(), copy);
        return copy;
    }

    @Override
    public byte[] write(Object value) {
        return (byte[]) value;
    }

    @Override
    public int getOrder() {
        return BUILT_IN_ORDER;
    }
}
