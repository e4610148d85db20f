package dev.netcode.boot.listener.support;

import org.springframework.core.MethodParameter;

import dev.netcode.boot.listener.NetcodeArgumentResolver;
import dev.netcode.boot.listener.NetcodePayloadContext;
import dev.netcode.boot.listener.NetcodeSession;

/** Resolves {@link NetcodeSession} parameters: the sending client's session. */
public class NetcodeSessionArgumentResolver implements NetcodeArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == NetcodeSession.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context) {
        return context.session();
    }
}
