package dev.netcode.boot.listener;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.server.NetcodeServer;

import static dev.netcode.boot.listener.ListenerTestClient.WAIT_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link NetcodeListenerAnnotationBeanPostProcessor}.
 */
class NetcodeListenerAnnotationBeanPostProcessorTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeListenerAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0");

    @Test
    void everySupportedSignatureIsRegisteredAndTheRegistryFrozen() {
        this.contextRunner.withBean("shapes", AllShapes.class).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(NetcodeListenerAnnotationBeanPostProcessor.class);
            NetcodeListenerRegistry registry = context.getBean(NetcodeListenerRegistry.class);
            assertThat(registry.isFrozen()).isTrue();
            assertThat(registry.getListeners()).extracting(NetcodeListenerMethod::beanName).containsOnly("shapes");
            assertThat(registry.getListeners()).extracting((listener) -> listener.method().getName())
                .containsExactlyInAnyOrderElementsOf(AllShapes.METHODS);
        });
    }

    @Test
    void everySupportedSignatureReceivesAPayload() {
        this.contextRunner.withBean(AllShapes.class).run((context) -> {
            AllShapes shapes = context.getBean(AllShapes.class);
            try (ListenerTestClient client = ListenerTestClient.connect(context, 1234)) {
                client.send("payload".getBytes(StandardCharsets.UTF_8));
                // Two methods reply.
                assertThat(client.receive()).isNotNull();
                assertThat(client.receive()).isNotNull();
                assertThat(shapes.calls.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                assertThat(shapes.arguments).containsOnlyKeys(AllShapes.METHODS);
                assertThat(shapes.arguments.get("session")).isInstanceOf(NetcodeSession.class);
                assertThat(shapes.arguments.get("bytes")).isEqualTo("payload");
                assertThat(shapes.arguments.get("buffer")).isEqualTo("payload");
                assertThat(shapes.arguments.get("clientId")).isEqualTo(1234L);
                assertThat(shapes.arguments.get("boxedClientId")).isEqualTo(1234L);
                assertThat(shapes.arguments.get("metaAnnotated")).isEqualTo(1234L);
                assertThat(shapes.arguments.get("privateMethod")).isEqualTo("payload");
            }
        });
    }

    @Test
    void unsupportedParameterFailsStartUpNamingBeanMethodIndexAndType() {
        this.contextRunner.withBean("badParameter", BadParameter.class).run((context) -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            InvalidNetcodeListenerException ex = findCause(failure, InvalidNetcodeListenerException.class);
            Method method = BadParameter.class.getDeclaredMethod("handle", NetcodeSession.class, List.class);
            assertThat(ex.getBeanName()).isEqualTo("badParameter");
            assertThat(ex.getMethod()).isEqualTo(method);
            assertThat(ex.getParameterIndex()).isEqualTo(1);
            assertThat(ex.getInvalidType()).isEqualTo("java.util.List<java.lang.String>");
            assertThat(ex).hasMessageContaining("'badParameter'")
                .hasMessageContaining(method.toGenericString())
                .hasMessageContaining("parameter 1 of unsupported type java.util.List<java.lang.String>")
                .hasMessageContaining("NetcodeSession, byte[]")
                .hasMessageContaining("long or Long")
                .hasMessageContaining("NetcodeArgumentResolver");
        });
    }

    @Test
    void unsupportedReturnTypeFailsStartUp() {
        this.contextRunner.withBean("badReturn", BadReturnType.class).run((context) -> {
            assertThat(context).hasFailed();
            InvalidNetcodeListenerException ex = findCause(context.getStartupFailure(),
                    InvalidNetcodeListenerException.class);
            assertThat(ex.isReturnTypeInvalid()).isTrue();
            assertThat(ex.getInvalidType()).isEqualTo("java.lang.String");
            assertThat(ex).hasMessageContaining("'badReturn'")
                .hasMessageContaining("public java.lang.String " + BadReturnType.class.getName() + ".handle(byte[])")
                .hasMessageContaining("void, byte[] or java.nio.ByteBuffer");
        });
    }

    @Test
    void argumentResolverBeansAreAskedBeforeTheBuiltInOnes() {
        this.contextRunner.withBean(TextListener.class)
            .withBean("textResolver", NetcodeArgumentResolver.class, TextResolver::new)
            .withBean("fixedClientIdResolver", NetcodeArgumentResolver.class, FixedClientIdResolver::new)
            .run((context) -> {
                assertThat(context).hasNotFailed();
                NetcodeListenerMethod listener = context.getBean(NetcodeListenerRegistry.class).getListeners().get(0);
                Object result = listener.invoke(new FixedContext(context.getBean(NetcodeServer.class), "hi"),
                        new Object[2]);
                assertThat(result).isEqualTo("hi:42".getBytes(StandardCharsets.UTF_8));
            });
    }

    @Test
    void listenerOnAClassBasedProxyIsCalledThroughTheProxy() {
        this.contextRunner.withUserConfiguration(ProxyingConfiguration.class)
            .withBean("proxied", ProxiedListener.class)
            .run((context) -> {
                assertThat(context).hasNotFailed();
                Object bean = context.getBean("proxied");
                assertThat(AopUtils.isCglibProxy(bean)).isTrue();
                NetcodeListenerMethod listener = context.getBean(NetcodeListenerRegistry.class).getListeners().get(0);
                assertThat(listener.bean()).isSameAs(bean);
                assertThat(listener.method().getDeclaringClass()).isEqualTo(ProxiedListener.class);
                Object result = listener.invoke(new FixedContext(context.getBean(NetcodeServer.class), "abc"),
                        new Object[1]);
                assertThat(result).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
                assertThat(context.getBean(ProxyingConfiguration.class).intercepted).hasValue(1);
            });
    }

    @Test
    void classBasedProxiedListenerReceivesPayloadsEndToEnd() {
        this.contextRunner.withUserConfiguration(ProxyingConfiguration.class)
            .withBean("proxied", ProxiedListener.class)
            .run((context) -> {
                try (ListenerTestClient client = ListenerTestClient.connect(context, 3)) {
                    client.send("through the proxy".getBytes(StandardCharsets.UTF_8));
                    assertThat(client.receive()).isEqualTo("through the proxy".getBytes(StandardCharsets.UTF_8));
                    assertThat(context.getBean(ProxyingConfiguration.class).intercepted).hasValue(1);
                }
            });
    }

    /**
     * A JDK proxy implements only the bean's interfaces: a listener method declared on one of them is
     * called through the proxy; any other method cannot be, and start-up says to use class-based
     * proxies (or to pull the method up to an interface).
     */
    @Test
    void interfaceBasedProxyWorksWhenTheInterfaceDeclaresTheMethod() {
        this.contextRunner.withUserConfiguration(JdkProxyingConfiguration.class)
            .withBean("jdkProxied", InterfaceListener.class)
            .run((context) -> {
                assertThat(context).hasNotFailed();
                Object bean = context.getBean("jdkProxied");
                assertThat(AopUtils.isJdkDynamicProxy(bean)).isTrue();
                NetcodeListenerMethod listener = context.getBean(NetcodeListenerRegistry.class).getListeners().get(0);
                assertThat(listener.method().getDeclaringClass()).isEqualTo(InterfaceListener.class);
                Object result = listener.invoke(new FixedContext(context.getBean(NetcodeServer.class), "jdk"),
                        new Object[1]);
                assertThat(result).isEqualTo("jdk".getBytes(StandardCharsets.UTF_8));
                assertThat(context.getBean(JdkProxyingConfiguration.class).intercepted).hasValue(1);
            });
    }

    @Test
    void interfaceBasedProxyThatHidesTheMethodFailsStartUpWithAHint() {
        this.contextRunner.withUserConfiguration(JdkProxyingConfiguration.class)
            .withBean("hidden", HiddenMethodListener.class)
            .run((context) -> {
                assertThat(context).hasFailed();
                BeanInitializationException ex = findCause(context.getStartupFailure(),
                        BeanInitializationException.class);
                assertThat(ex).hasMessageContaining("'hidden'")
                    .hasMessageContaining("HiddenMethodListener.handle(byte[])")
                    .hasMessageContaining("cannot be called through the bean's proxy")
                    .hasMessageContaining("switch to CGLIB proxies");
            });
    }

    @Test
    void lazyListenerBeanCreatedAfterStartUpIsRejected() {
        this.contextRunner.withUserConfiguration(LazyListenerConfiguration.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(NetcodeListenerRegistry.class).getListeners()).isEmpty();
            Throwable failure = catchThrowable(() -> context.getBean("lazyListener"));
            assertThat(findCause(failure, BeanInitializationException.class))
                .hasMessageContaining("'lazyListener'")
                .hasMessageContaining("non-lazy singleton");
        });
    }

    @Test
    void beansWithoutListenerMethodsAreLeftAlone() {
        this.contextRunner.withBean("plain", StringBuilder.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(NetcodeListenerRegistry.class).getListeners()).isEmpty();
        });
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
            if (type.isInstance(candidate)) {
                return type.cast(candidate);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @NetcodeListener
    @interface GameMessageHandler {

    }

    static class AllShapes {

        static final List<String> METHODS = List.of("none", "session", "bytes", "buffer", "clientId", "boxedClientId",
                "replyBytes", "replyBuffer", "metaAnnotated", "privateMethod");

        final Map<String, Object> arguments = new ConcurrentHashMap<>();

        final CountDownLatch calls = new CountDownLatch(METHODS.size());

        private void record(String method, Object argument) {
            arguments.put(method, argument);
            calls.countDown();
        }

        @NetcodeListener
        void none() {
            record("none", "");
        }

        @NetcodeListener
        public void session(NetcodeSession session) {
            record("session", session);
        }

        @NetcodeListener
        void bytes(byte[] payload) {
            record("bytes", text(payload));
        }

        @NetcodeListener
        void buffer(ByteBuffer payload) {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            record("buffer", text(copy));
        }

        @NetcodeListener
        void clientId(long clientId) {
            record("clientId", clientId);
        }

        @NetcodeListener
        void boxedClientId(Long clientId) {
            record("boxedClientId", clientId);
        }

        @NetcodeListener
        byte[] replyBytes(NetcodeSession session, byte[] payload, long clientId) {
            record("replyBytes", text(payload));
            return payload;
        }

        @NetcodeListener
        ByteBuffer replyBuffer(ByteBuffer payload, Long clientId, NetcodeSession session) {
            record("replyBuffer", clientId);
            return payload;
        }

        @GameMessageHandler
        Void metaAnnotated(long clientId) {
            record("metaAnnotated", clientId);
            return null;
        }

        @NetcodeListener
        private void privateMethod(byte[] payload) {
            record("privateMethod", text(payload));
        }
    }

    static class BadParameter {

        @NetcodeListener
        void handle(NetcodeSession session, List<String> words) {
        }
    }

    static class BadReturnType {

        @NetcodeListener
        public String handle(byte[] payload) {
            return "no";
        }
    }

    static class TextListener {

        @NetcodeListener
        byte[] handle(String text, long clientId) {
            return (text + ":" + clientId).getBytes(StandardCharsets.UTF_8);
        }
    }

    static class TextResolver implements NetcodeArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == String.class;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context) {
            return text(context.copyPayload());
        }
    }

    static class FixedClientIdResolver implements NetcodeArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == long.class;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context) {
            return 42L;
        }
    }

    /** A payload context for calling a listener method directly. */
    static final class FixedContext implements NetcodePayloadContext {

        private final NetcodeSession session;

        private final byte[] payload;

        FixedContext(NetcodeServer server, String payload) {
            this.session = new NetcodeSession(server, 0, 7, NetcodeAddress.parse("127.0.0.1:5000"), new byte[256],
                    Instant.now());
            this.payload = payload.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public NetcodeSession session() {
            return session;
        }

        @Override
        public Long clientId() {
            return session.clientId();
        }

        @Override
        public int payloadLength() {
            return payload.length;
        }

        @Override
        public ByteBuffer payload() {
            return ByteBuffer.wrap(payload).asReadOnlyBuffer();
        }

        @Override
        public byte[] copyPayload() {
            return payload.clone();
        }
    }

    static class ProxiedListener {

        @NetcodeListener
        public byte[] echo(byte[] payload) {
            return payload;
        }
    }

    /** Wraps {@link ProxiedListener} in a class-based proxy, as AOP auto-proxying would. */
    @Configuration(proxyBeanMethods = false)
    static class ProxyingConfiguration {

        final AtomicInteger intercepted = new AtomicInteger();

        @Bean
        static BeanPostProcessor cglibProxyingPostProcessor(ProxyingConfiguration configuration) {
            return new ProxyingPostProcessor(ProxiedListener.class, true, configuration.intercepted);
        }
    }

    interface EchoHandler {

        byte[] echo(byte[] payload);
    }

    static class InterfaceListener implements EchoHandler {

        @Override
        @NetcodeListener
        public byte[] echo(byte[] payload) {
            return payload;
        }
    }

    static class HiddenMethodListener implements EchoHandler {

        @Override
        public byte[] echo(byte[] payload) {
            return payload;
        }

        @NetcodeListener
        public void handle(byte[] payload) {
        }
    }

    /** Wraps {@link EchoHandler} beans in interface-based (JDK) proxies. */
    @Configuration(proxyBeanMethods = false)
    static class JdkProxyingConfiguration {

        final AtomicInteger intercepted = new AtomicInteger();

        @Bean
        static BeanPostProcessor jdkProxyingPostProcessor(JdkProxyingConfiguration configuration) {
            return new ProxyingPostProcessor(EchoHandler.class, false, configuration.intercepted);
        }
    }

    @Order(Ordered.HIGHEST_PRECEDENCE)
    static final class ProxyingPostProcessor implements BeanPostProcessor, Ordered {

        private final Class<?> type;

        private final boolean proxyTargetClass;

        private final AtomicInteger intercepted;

        ProxyingPostProcessor(Class<?> type, boolean proxyTargetClass, AtomicInteger intercepted) {
            this.type = type;
            this.proxyTargetClass = proxyTargetClass;
            this.intercepted = intercepted;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!type.isInstance(bean)) {
                return bean;
            }
            ProxyFactory factory = new ProxyFactory(bean);
            factory.setProxyTargetClass(proxyTargetClass);
            if (!proxyTargetClass) {
                factory.setInterfaces(EchoHandler.class);
            }
            factory.addAdvice((MethodInterceptor) (invocation) -> {
                intercepted.incrementAndGet();
                return invocation.proceed();
            });
            return factory.getProxy();
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LazyListenerConfiguration {

        @Bean
        @Lazy
        ProxiedListener lazyListener() {
            return new ProxiedListener();
        }
    }
}
