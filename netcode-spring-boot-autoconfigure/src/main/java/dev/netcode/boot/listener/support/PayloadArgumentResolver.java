package dev.netcode.boot.listener.support;

import java.nio.ByteBuffer;

import org.springframework.core.MethodParameter;

import dev.netcode.boot.listener.NetcodeArgumentResolver;
import dev.netcode.boot.listener.NetcodePayloadContext;

/**
 * Resolves the payload: a {@code byte[]} parameter gets a copy (a new array per call), a
 * {@link ByteBuffer} parameter the dispatcher's read-only buffer (no copy; valid only during the
 * call).
 */
public class PayloadArgumentResolver implements NetcodeArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == byte[].class || type == ByteBuffer.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context) {
        return parameter.getParameterType() == byte[].class ? context.copyPayload() : context.payload();
    }
}
