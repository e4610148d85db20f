package dev.netcode.boot.listener.support;

import org.springframework.core.MethodParameter;

import dev.netcode.boot.listener.NetcodeArgumentResolver;
import dev.netcode.boot.listener.NetcodePayloadContext;

/** Resolves {@code long} and {@link Long} parameters: the client id from the connect token. */
public class ClientIdArgumentResolver implements NetcodeArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == long.class || type == Long.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context) {
        return context.clientId();
    }
}
