package dev.netcode.boot.autoconfigure.security;

import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.security.web.servlet.ApplicationContextRequestMatcher;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.Assert;
import org.springframework.web.context.WebApplicationContext;

import dev.netcode.boot.autoconfigure.NetcodeProperties;

/**
 * Factory for a {@link RequestMatcher} that matches the connect token endpoint, for applications
 * that secure it with their own chain. Declare that chain under the name
 * {@code netcodeTokenSecurityFilterChain} so that it replaces the auto-configured one. Like any
 * {@code SecurityFilterChain} bean of the application, it switches Spring Boot's default chain
 * off, so the application then also needs a chain for its other paths:
 *
 * <pre class="code">
 * &#64;Bean
 * &#64;Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 1)
 * SecurityFilterChain netcodeTokenSecurityFilterChain(HttpSecurity http) {
 *     http.securityMatcher(NetcodeTokenRequest.toTokenEndpoint());
 *     http.authorizeHttpRequests((requests) -&gt; requests.anyRequest().hasRole("PLAYER"));
 *     http.oauth2ResourceServer((resourceServer) -&gt; resourceServer.jwt(withDefaults()));
 *     http.sessionManagement((session) -&gt; session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
 *     return http.build();
 * }
 * </pre>
 */
public final class NetcodeTokenRequest {

    private NetcodeTokenRequest() {
    }

    /**
     * A matcher for {@code netcode.token.path}, any HTTP method, below the DispatcherServlet
     * path when Spring Boot's {@code PathPatternRequestMatcher.Builder} bean is present. The
     * path is read from the application context on the matcher's first request, so use each
     * matcher in one application only.
     */
    public static NetcodeTokenRequestMatcher toTokenEndpoint() {
        return new NetcodeTokenRequestMatcher();
    }

    /**
     * The matcher for the connect token endpoint. Never matches in the management context, which
     * does not serve the endpoint.
     */
    public static final class NetcodeTokenRequestMatcher extends ApplicationContextRequestMatcher<ApplicationContext> {

        private volatile @Nullable RequestMatcher delegate;

        private NetcodeTokenRequestMatcher() {
            super(ApplicationContext.class);
        }

        @Override
        protected boolean ignoreApplicationContext(WebApplicationContext applicationContext) {
            return hasServerNamespace(applicationContext, "management");
        }

        @Override
        protected void initialized(Supplier<ApplicationContext> context) {
            ApplicationContext applicationContext = context.get();
            String path = applicationContext.getBean(NetcodeProperties.class).getToken().getPath();
            PathPatternRequestMatcher.Builder builder = applicationContext
                .getBeanProvider(PathPatternRequestMatcher.Builder.class)
                .getIfUnique(PathPatternRequestMatcher::withDefaults);
            this.delegate = builder.matcher(path);
        }

        @Override
        protected boolean matches(HttpServletRequest request, Supplier<ApplicationContext> context) {
            RequestMatcher delegate = this.delegate;
            Assert.state(delegate != null, "'delegate' must not be null");
            return delegate.matches(request);
        }

        @Override
        public String toString() {
            return "NetcodeTokenRequestMatcher[" + this.delegate + "]";
        }
    }
}
