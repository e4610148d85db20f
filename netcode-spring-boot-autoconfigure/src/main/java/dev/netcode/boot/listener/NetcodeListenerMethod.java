package dev.netcode.boot.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.SynthesizingMethodParameter;
import org.springframework.util.ReflectionUtils;

/**
 * A validated {@link NetcodeListener @NetcodeListener} method of a bean: what to call, and which
 * {@link NetcodeArgumentResolver} provides each argument (chosen once, at start-up).
 */
public final class NetcodeListenerMethod {

    private final String beanName;
    private final Object bean;
    private final Method method;
    private final Method invocableMethod;
    private final MethodParameter[] parameters;
    private final NetcodeArgumentResolver[] resolvers;
    private final boolean returnsBytes;
    private final boolean returnsBuffer;

    private NetcodeListenerMethod(String beanName, Object bean, Method method, Method invocableMethod,
            MethodParameter[] parameters, NetcodeArgumentResolver[] resolvers) {
        this.beanName = beanName;
        this.bean = bean;
        this.method = method;
        this.invocableMethod = invocableMethod;
        this.parameters = parameters;
        this.resolvers = resolvers;
        this.returnsBytes = method.getReturnType() == byte[].class;
        this.returnsBuffer = ByteBuffer.class.isAssignableFrom(method.getReturnType());
    }

    /**
     * Validates {@code method} and picks a resolver for each of its parameters: the first of
     * {@code resolvers} that supports it.
     *
     * @param beanName the bean's name, for messages
     * @param bean the bean to call (possibly a proxy)
     * @param method the annotated method, as declared on the bean's target class
     * @param invocableMethod {@code method} as it can be called on {@code bean} (for a JDK proxy: the
     *        interface method)
     * @param resolvers the resolvers to ask, in order
     * @throws InvalidNetcodeListenerException if a parameter or the return type is not supported
     */
    public static NetcodeListenerMethod create(String beanName, Object bean, Method method, Method invocableMethod,
            List<? extends NetcodeArgumentResolver> resolvers) {
        Objects.requireNonNull(bean, "bean");
        Class<?> returnType = method.getReturnType();
        if (returnType != void.class && returnType != Void.class && returnType != byte[].class
                && !ByteBuffer.class.isAssignableFrom(returnType)) {
            throw InvalidNetcodeListenerException.forReturnType(beanName, method);
        }
        int count = method.getParameterCount();
        MethodParameter[] parameters = new MethodParameter[count];
        NetcodeArgumentResolver[] chosen = new NetcodeArgumentResolver[count];
        for (int i = 0; i < count; i++) {
            parameters[i] = new SynthesizingMethodParameter(method, i);
            chosen[i] = resolverFor(parameters[i], resolvers);
            if (chosen[i] == null) {
                throw InvalidNetcodeListenerException.forParameter(beanName, method, i);
            }
        }
        ReflectionUtils.makeAccessible(invocableMethod);
        return new NetcodeListenerMethod(beanName, bean, method, invocableMethod, parameters, chosen);
    }

    private static @Nullable NetcodeArgumentResolver resolverFor(MethodParameter parameter,
            List<? extends NetcodeArgumentResolver> resolvers) {
        for (NetcodeArgumentResolver resolver : resolvers) {
            if (resolver.supportsParameter(parameter)) {
                return resolver;
            }
        }
        return null;
    }

    /** The name of the bean that declares the method. */
    public String beanName() {
        return beanName;
    }

    /** The bean the method is called on (a proxy, if the bean is proxied). */
    public Object bean() {
        return bean;
    }

    /** The annotated method, as declared on the bean's class. */
    public Method method() {
        return method;
    }

    int parameterCount() {
        return parameters.length;
    }

    /**
     * Resolves the arguments into {@code args} (of length {@link #parameterCount()}, cleared
     * afterwards) and calls the method.
     *
     * @return the method's result (for a {@code void} method {@code null})
     * @throws Throwable what a resolver or the method threw (unwrapped)
     */
    @Nullable Object invoke(NetcodePayloadContext context, @Nullable Object[] args) throws Throwable {
        try {
            for (int i = 0; i < args.length; i++) {
                args[i] = resolvers[i].resolveArgument(parameters[i], context);
            }
            return invocableMethod.invoke(bean, args);
        }
        catch (InvocationTargetException ex) {
            throw ex.getTargetException();
        }
        finally {
            for (int i = 0; i < args.length; i++) {
                args[i] = null;
            }
        }
    }

    /** Sends {@code result} (the method's return value) back to the client of {@code session}. */
    void reply(@Nullable Object result, NetcodeSession session) {
        if (result == null) {
            return;
        }
        if (returnsBytes) {
            byte[] bytes = (byte[]) result;
            if (bytes.length > 0) {
                session.send(bytes);
            }
        }
        else if (returnsBuffer) {
            ByteBuffer buffer = (ByteBuffer) result;
            if (buffer.hasRemaining()) {
                session.send(buffer);
            }
        }
    }

    @Override
    public String toString() {
        return method.toGenericString() + " on bean '" + beanName + "'";
    }
}
