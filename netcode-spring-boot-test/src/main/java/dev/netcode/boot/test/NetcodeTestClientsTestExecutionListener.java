package dev.netcode.boot.test;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Closes the {@link NetcodeTestClient}s a test method made, so the next test (in the same cached
 * context) starts with a server no earlier client holds a slot of. Registered for every test
 * through {@code META-INF/spring.factories}; does nothing in a context without
 * {@link NetcodeTestClients}, and never makes a context for a test that has none yet.
 */
public class NetcodeTestClientsTestExecutionListener implements TestExecutionListener, Ordered {

    @Override
    public int getOrder() {
        // After-test callbacks run in reverse order: this late order runs first, before a
        // @DirtiesContext closes the context under clients that would keep their threads.
        return Ordered.LOWEST_PRECEDENCE - 100;
    }

    @Override
    public void afterTestMethod(TestContext testContext) {
        if (!testContext.hasApplicationContext()) {
            return;
        }
        ApplicationContext context = testContext.getApplicationContext();
        context.getBeanProvider(NetcodeTestClients.class).ifAvailable(NetcodeTestClients::closeAll);
    }
}
