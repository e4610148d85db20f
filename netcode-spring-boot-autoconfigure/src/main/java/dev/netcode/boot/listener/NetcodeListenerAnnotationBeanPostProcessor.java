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
import dev.netcode.boot.listener.support.NetcodeSessionArgumentResolver;
import dev.netcode.boot.listener.support.PayloadArgumentResolver;

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
 * <p>Declared as a {@code static} bean; its collaborators are looked up lazily, so it makes no other
 * bean initialise early. {@link NetcodeArgumentResolver} beans are fetched when the first listener
 * method is found.
 */
public class NetcodeListenerAnnotationBeanPostProcessor implements BeanPostProcessor, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(NetcodeListenerAnnotationBeanPostProcessor.class);

    private final ObjectProvider<NetcodeListenerRegistry> registry;

    private final ObjectProvider<NetcodeArgumentResolver> argumentResolvers;

    private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet(64);

    private final List<NetcodeListenerMethod> found = new ArrayList<>();

    private volatile @Nullable List<NetcodeArgumentResolver> resolvers;

    private volatile boolean registered;

    /**
     * @param registry where to register the listener methods, looked up once all singletons exist
     * @param argumentResolvers the application's resolvers, asked before the built-in ones
     */
    public NetcodeListenerAnnotationBeanPostProcessor(ObjectProvider<NetcodeListenerRegistry> registry,
            ObjectProvider<NetcodeArgumentResolver> argumentResolvers) {
        this.registry = registry;
        this.argumentResolvers = argumentResolvers;
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
        List<NetcodeArgumentResolver> resolvers = resolvers();
        List<NetcodeListenerMethod> listeners = new ArrayList<>(annotated.size());
        for (Method method : annotated.keySet()) {
            Method invocable = invocableMethod(method, bean, beanName);
            listeners.add(NetcodeListenerMethod.create(beanName, bean, method, invocable, resolvers));
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
