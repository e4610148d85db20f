package dev.netcode.boot.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

import dev.netcode.boot.listener.support.ClientIdArgumentResolver;
import dev.netcode.boot.message.NetcodeMessageConverters;
import dev.netcode.boot.listener.support.NetcodeSessionArgumentResolver;
import dev.netcode.boot.listener.support.PayloadArgumentResolver;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.MessageConfig;

/**
 * Finds {@link NetcodeListener @NetcodeListener} methods on beans as they are initialised, validates
 * each signature at once (a bad one fails start-up with an {@link InvalidNetcodeListenerException}
 * naming the bean, the method and the parameter), and registers them all in the
 * {@link NetcodeListenerRegistry}, which it freezes once every singleton exists.
 *
 * <p>Methods are looked up on the bean's target class (so annotations on a proxied class are
 * found, including meta-annotations and methods from interfaces) and called on the bean itself, so
 * advice (transactions, security, metrics) applies. A JDK (interface-based) proxy can only call
 * methods declared on one of its interfaces; for any other method start-up fails with a hint to use
 * class-based (CGLIB) proxies.
 *
 * <p>With {@code netcode.channels} configured (a {@link MessageConfig} bean), every method must name
 * one of the channels, and its message parameter and return type must be ones a
 * {@link dev.netcode.boot.message.NetcodeMessageConverter} handles; without, no method may name one.
 *
 * <p>Declared as a {@code static} bean; its collaborators are looked up lazily, so it makes no other
 * bean initialise early. {@link NetcodeArgumentResolver} beans, the channels and the converters are
 * fetched when the first listener method is found.
 */
public class NetcodeListenerAnnotationBeanPostProcessor implements BeanPostProcessor, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(NetcodeListenerAnnotationBeanPostProcessor.class);

    private final ObjectProvider<NetcodeListenerRegistry> registry;

    private final ObjectProvider<NetcodeArgumentResolver> argumentResolvers;

    private final ObjectProvider<MessageConfig> messageConfig;

    private final ObjectProvider<NetcodeMessageConverters> messageConverters;

    private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet(64);

    private final List<NetcodeListenerMethod> found = new ArrayList<>();

    private volatile @Nullable List<NetcodeArgumentResolver> resolvers;

    private volatile @Nullable List<NetcodeArgumentResolver> channelResolvers;

    private volatile boolean registered;

    /**
     * @param registry where to register the listener methods, looked up once all singletons exist
     * @param argumentResolvers the application's resolvers, asked before the built-in ones
     * @param messageConfig the channels, when {@code netcode.channels} are configured
     * @param messageConverters what converts channel messages, when channels are configured
     */
    public NetcodeListenerAnnotationBeanPostProcessor(ObjectProvider<NetcodeListenerRegistry> registry,
            ObjectProvider<NetcodeArgumentResolver> argumentResolvers, ObjectProvider<MessageConfig> messageConfig,
            ObjectProvider<NetcodeMessageConverters> messageConverters) {
        this.registry = registry;
        this.argumentResolvers = argumentResolvers;
        this.messageConfig = messageConfig;
        this.messageConverters = messageConverters;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof AopInfrastructureBean || bean instanceof NetcodeArgumentResolver) {
            return bean;
        }
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        if (nonAnnotatedClasses.contains(targetClass)) {
            return bean;
        }
        Map<Method, NetcodeListener> annotated = AnnotationUtils.isCandidateClass(targetClass, NetcodeListener.class)
                ? MethodIntrospector.selectMethods(targetClass, (MethodIntrospector.MetadataLookup<NetcodeListener>)
                        (method) -> AnnotatedElementUtils.findMergedAnnotation(method, NetcodeListener.class))
                : Map.of();
        if (annotated.isEmpty()) {
            nonAnnotatedClasses.add(targetClass);
            return bean;
        }
        MessageConfig channels = messageConfig.getIfAvailable();
        List<NetcodeListenerMethod> listeners = new ArrayList<>(annotated.size());
        for (Map.Entry<Method, NetcodeListener> entry : annotated.entrySet()) {
            Method method = entry.getKey();
            Method invocable = invocableMethod(method, bean, beanName);
            String channel = entry.getValue().channel();
            if (channels == null && channel.isEmpty()) {
                listeners.add(NetcodeListenerMethod.create(beanName, bean, method, invocable, resolvers()));
            }
            else {
                listeners.add(channelListener(beanName, bean, method, invocable, channel, channels));
            }
        }
        register(beanName, listeners);
        if (log.isDebugEnabled()) {
            log.debug("{} @NetcodeListener methods on bean '{}': {}", listeners.size(), beanName, annotated.keySet());
        }
        return bean;
    }

    private static Method invocableMethod(Method method, Object bean, String beanName) {
        try {
            return AopUtils.selectInvocableMethod(method, bean.getClass());
        }
        catch (IllegalStateException ex) {
            // A JDK proxy that doesn't expose the method, or a private method on a proxy.
            throw new BeanInitializationException("@NetcodeListener method '" + method.toGenericString()
                    + "' on bean '" + beanName + "' cannot be called through the bean's proxy: " + ex.getMessage(), ex);
        }
    }

    private NetcodeListenerMethod channelListener(String beanName, Object bean, Method method, Method invocable,
            String channel, @Nullable MessageConfig channels) {
        List<String> names = (channels != null) ? channels.channels().stream().map(ChannelConfig::name).toList()
                : List.of();
        if (channel.isEmpty()) {
            throw InvalidNetcodeListenerException.forChannelRequired(beanName, method, names);
        }
        int channelId = (channels != null) ? channels.channelId(channel) : -1;
        if (channelId < 0) {
            throw InvalidNetcodeListenerException.forUnknownChannel(beanName, method, channel, names);
        }
        return NetcodeListenerMethod.createForChannel(beanName, bean, method, invocable, channel, channelId,
                channelResolvers(), messageConverters.getObject());
    }

    private synchronized void register(String beanName, List<NetcodeListenerMethod> listeners) {
        if (registered) {
            throw new BeanInitializationException("Bean '" + beanName + "' has @NetcodeListener methods but was "
                    + "created after start-up (a lazy or prototype bean?); the NetcodeListenerRegistry is frozen "
                    + "then. Make it a non-lazy singleton.");
        }
        found.addAll(listeners);
    }

    private List<NetcodeArgumentResolver> resolvers() {
        List<NetcodeArgumentResolver> current = resolvers;
        if (current == null) {
            current = Stream.concat(argumentResolvers.orderedStream(), Stream.of(new NetcodeSessionArgumentResolver(),
                    new PayloadArgumentResolver(), new ClientIdArgumentResolver())).toList();
            resolvers = current;
        }
        return current;
    }

    /** The resolvers of channel listeners: no payload resolver, the message takes its place. */
    private List<NetcodeArgumentResolver> channelResolvers() {
        List<NetcodeArgumentResolver> current = channelResolvers;
        if (current == null) {
            current = Stream.concat(argumentResolvers.orderedStream(),
                    Stream.of(new NetcodeSessionArgumentResolver(), new ClientIdArgumentResolver())).toList();
            channelResolvers = current;
        }
        return current;
    }

    /** Registers every listener method found and freezes the registry. */
    @Override
    public void afterSingletonsInstantiated() {
        List<NetcodeListenerMethod> listeners;
        synchronized (this) {
            registered = true;
            listeners = List.copyOf(found);
            found.clear();
        }
        NetcodeListenerRegistry target = registry.getIfUnique();
        if (target == null) {
            if (!listeners.isEmpty()) {
                log.warn("{} @NetcodeListener methods found, but there is no single NetcodeListenerRegistry bean "
                        + "to register them in; they will not be called", listeners.size());
            }
            return;
        }
        listeners.forEach(target::register);
        target.freeze();
        log.debug("{} @NetcodeListener methods registered", listeners.size());
    }
}
