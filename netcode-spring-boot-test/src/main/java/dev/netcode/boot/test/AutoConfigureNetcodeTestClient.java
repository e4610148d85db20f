package dev.netcode.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * On a {@code @SpringBootTest} of a game server: binds the application's netcode server to a free
 * port on 127.0.0.1 (or puts it on a {@linkplain NetcodeTestNetwork#SIMULATED simulated network}),
 * and adds a {@link NetcodeTestClients} bean that connects {@link NetcodeTestClient}s to it with
 * tokens from the application's own issuer. The clients are closed after every test method.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureNetcodeTestClient
 * class GameServerTests {
 *
 *     &#64;Autowired
 *     NetcodeTestClients clients;
 *
 *     &#64;Test
 *     void repliesToInput() {
 *         NetcodeTestClient player = clients.connect(42);
 *         player.send(new byte[] { 1, 2, 3 });
 *         assertThat(player.awaitPayload()).containsExactly(3, 2, 1);
 *     }
 * }
 * </pre>
 *
 * The attributes are mapped to properties ({@code netcode.test.network}, and the server's
 * {@code netcode.server.bind-address}), above the application's own configuration.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("netcode")
public @interface AutoConfigureNetcodeTestClient {

    /** The network the server and the clients talk over: real UDP (the default) or simulated. */
    @PropertyMapping("test.network")
    NetcodeTestNetwork network() default NetcodeTestNetwork.UDP;

    /**
     * Where the server binds: a free port on IPv4 loopback by default ({@code [::1]:0} for IPv6). With
     * a loopback bind and no public addresses the tokens list the port the server got.
     */
    @PropertyMapping("server.bind-address")
    String bindAddress() default "127.0.0.1:0";

    /**
     * The server's public addresses, comma-separated; none by default, so the application's own (a
     * production host name) do not send the test's clients elsewhere.
     */
    @PropertyMapping("server.public-addresses")
    String publicAddresses() default "";
}
