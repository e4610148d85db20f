package dev.netcode.boot.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.SynthesizingMethodParameter;
import org.springframework.util.ReflectionUtils;

import dev.netcode.boot.message.NetcodeMessageConverter;
import dev.netcode.boot.message.NetcodeMessageConverters;
import dev.netcode.boot.message.UnreadableNetcodeMessageException;

/**
 * A validated {@link NetcodeListener @NetcodeListener} method of a bean: what to call, which
 * {@link NetcodeArgumentResolver} provides each argument (chosen once, at start-up), and for a
 * channel listener which {@link NetcodeMessageConverter} reads its message.
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
    private final @Nullable String channel;
    private final int channelId;

    private NetcodeListenerMethod(String beanName, Object bean, Method method, Method invocableMethod,
            MethodParameter[] parameters, NetcodeArgumentResolver[] resolvers, @Nullable String channel,
            int channelId) {
        this.beanName = beanName;
        this.bean = bean;
        this.method = method;
        this.invocableMethod = invocableMethod;
        this.parameters = parameters;
        this.resolvers = resolvers;
        this.returnsBytes = method.getReturnType() == byte[].class;
        this.returnsBuffer = ByteBuffer.class.isAssignableFrom(method.getReturnType());
        this.channel = channel;
        this.channelId = channelId;
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
        return new NetcodeListenerMethod(beanName, bean, method, invocableMethod, parameters, chosen, null, -1);
    }

    /**
     * Validates channel listener {@code method} and picks a resolver for each of its parameters: the
     * first of {@code resolvers} that supports it, else, for at most one parameter, the message,
     * read by the first of {@code converters} that can read its type.
     *
     * @param channel the channel the method listens to
     * @param channelId its id
     * @param resolvers the resolvers to ask, in order (none that resolves the raw payload)
     * @param converters what reads the message and writes the method's replies
     * @throws InvalidNetcodeListenerException if a parameter or the return type is not supported
     * @see #create(String, Object, Method, Method, List)
     */
    public static NetcodeListenerMethod createForChannel(String beanName, Object bean, Method method,
            Method invocableMethod, String channel, int channelId, List<? extends NetcodeArgumentResolver> resolvers,
            NetcodeMessageConverters converters) {
        Objects.requireNonNull(bean, "bean");
        Class<?> returnType = method.getReturnType();
        if (returnType != void.class && returnType != Void.class && converters.writerFor(returnType) == null) {
            throw InvalidNetcodeListenerException.forMessageReturnType(beanName, method, channel,
                    converters.converters());
        }
        int count = method.getParameterCount();
        MethodParameter[] parameters = new MethodParameter[count];
        NetcodeArgumentResolver[] chosen = new NetcodeArgumentResolver[count];
        int messageIndex = -1;
        for (int i = 0; i < count; i++) {
            parameters[i] = new SynthesizingMethodParameter(method, i);
            chosen[i] = resolverFor(parameters[i], resolvers);
            if (chosen[i] != null) {
                continue;
            }
            if (messageIndex >= 0) {
                throw InvalidNetcodeListenerException.forSecondMessageParameter(beanName, method, i, messageIndex,
                        channel);
            }
            ResolvableType type = ResolvableType.forMethodParameter(parameters[i]);
            NetcodeMessageConverter reader = converters.readerFor(type);
            if (reader == null) {
                throw InvalidNetcodeListenerException.forMessageParameter(beanName, method, i, channel,
                        converters.converters());
            }
            chosen[i] = new MessageArgumentResolver(reader, type);
            messageIndex = i;
        }
        ReflectionUtils.makeAccessible(invocableMethod);
        return new NetcodeListenerMethod(beanName, bean, method, invocableMethod, parameters, chosen, channel,
                channelId);
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

    /** The channel the method listens to, or {@code null} for a payload listener. */
    public @Nullable String channel() {
        return channel;
    }

    /** The id of {@link #channel()}, or -1 for a payload listener. */
    int channelId() {
        return channelId;
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

    /**
     * Sends {@code result} (the method's return value) back to the client of {@code session}: on the
     * method's channel, converted, or as a raw payload.
     */
    void reply(@Nullable Object result, NetcodeSession session) {
        if (result == null) {
            return;
        }
        if (channel != null) {
            session.send(channel, result);
        }
        else if (returnsBytes) {
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
        return method.toGenericString() + " on bean '" + beanName + "'"
                + ((channel != null) ? " for channel '" + channel + "'" : "");
    }

    /** The message parameter of a channel listener: read by the converter chosen at start-up. */
    private static final class MessageArgumentResolver implements NetcodeArgumentResolver {

        private final NetcodeMessageConverter reader;

        private final ResolvableType type;

        MessageArgumentResolver(NetcodeMessageConverter reader, ResolvableType type) {
            this.reader = reader;
            this.type = type;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return true;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context) {
            try {
                return reader.read(type, context.payload());
            }
            catch (RuntimeException ex) {
                throw new UnreadableNetcodeMessageException("A message of " + context.payload().remaining()
                        + " bytes on channel " + context.channel() + " cannot be read as " + type + ": "
                        + ex.getMessage(), ex);
            }
        }
    }
}
