package dev.netcode.boot.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongPredicate;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.netcode.boot.fleet.FleetRequestCustomizer;
import dev.netcode.boot.fleet.NetcodeFleetFullException;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.ServerDirectoryUnavailableException;
import dev.netcode.server.NetcodeServer;

/**
 * Issues a fresh connect token to the authenticated caller: {@code POST} to
 * {@code netcode.token.path} (default {@code /netcode/token}). Registered as a bean by the
 * auto-configuration, only when Spring Security is present, and secured by its own filter chain
 * (HTTP Basic, stateless, see {@code NetcodeTokenSecurityAutoConfiguration}); never
 * component-scanned.
 *
 * <p>Responses, chosen from the {@code Accept} header:
 * <ul>
 * <li>{@code application/json}, also the answer when the client accepts anything or sends no
 * {@code Accept} header: a {@link ConnectTokenResponse}.</li>
 * <li>{@code application/octet-stream} (preferred over JSON by quality or specificity): the raw
 * 2048 token bytes.</li>
 * <li>anything else: 406 Not Acceptable.</li>
 * </ul>
 * Each carries {@code Cache-Control: no-store}, because a token holds session keys. When the
 * caller's per-principal allowance is used up the answer is 429 Too Many Requests with a
 * {@code Retry-After} header in seconds. While the game server in this application is not running
 * (not bound yet at start-up, or stopping) the answer is 503 Service Unavailable with
 * {@code Retry-After} and an RFC 9457 problem ({@code application/problem+json}) saying why.
 * The client id comes from the {@link ClientIdResolver},
 * the user data from the optional {@link UserDataProvider}. Token bytes are never logged.
 *
 * <p>In a fleet each token reserves a slot for its player on a server with room, for the request
 * the {@link FleetRequestCustomizer}s shape (by default from a {@code region} parameter). When no
 * server qualifies with room the answer is 503 with {@code Retry-After} set to
 * {@code netcode.fleet.retry-after} and a problem whose {@code reason} is {@code fleet-full}; when
 * the fleet's directory cannot be reached, 503 with a short {@code Retry-After} and
 * {@code reason} {@code directory-unavailable}. Never a token for a server without room.
 *
 * <p>For a client id that is connected to the game server in this application right now the
 * answer is 409 Conflict with a problem whose {@code reason} is {@code already-connected}: the
 * server takes one connection per client id and drops every request for one that is connected, so
 * a second client would only time out. A client that crashed holds its slot until the connection
 * times out (the token's timeout); the problem says so, and a request after that gets a token.
 */
@RestController
public class NetcodeTokenController {

    /** The mapped path: {@code netcode.token.path}, resolved when the handler mappings are built. */
    static final String PATH = "${netcode.token.path:/netcode/token}";

    /** How soon to ask again while the game server is not running: it binds within moments of the web server. */
    static final long NOT_RUNNING_RETRY_AFTER_SECONDS = 1;

    /**
     * How soon to ask again while the fleet's directory cannot be reached: a Redis restart or
     * failover takes seconds, and the issuer reconnects on its own.
     */
    static final long DIRECTORY_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

    /** How long a token request waits for the game server to say whether a client id is connected. */
    private static final long CONNECTED_QUERY_TIMEOUT_SECONDS = 2;

    /** The problem property that says why a token was refused, for clients to act on. */
    static final String REASON = "reason";

    private static final Logger log = LoggerFactory.getLogger(NetcodeTokenController.class);

    private final ConnectTokenIssuer issuer;
    private final ClientIdResolver clientIdResolver;
    private final @Nullable UserDataProvider userDataProvider;
    private final @Nullable ConnectTokenRateLimiter rateLimiter;
    private final List<FleetRequestCustomizer> fleetRequestCustomizers;
    private final long fleetFullRetryAfterSeconds;
    private final LongPredicate connected;

    /**
     * @param userDataProvider supplies user data, or {@code null} for none
     * @param rateLimiter limits tokens per principal, or {@code null} for no limit
     */
    public NetcodeTokenController(ConnectTokenIssuer issuer, ClientIdResolver clientIdResolver,
            @Nullable UserDataProvider userDataProvider, @Nullable ConnectTokenRateLimiter rateLimiter) {
        this(issuer, clientIdResolver, userDataProvider, rateLimiter, List.of(), Duration.ofSeconds(5));
    }

    /**
     * @param userDataProvider supplies user data, or {@code null} for none
     * @param rateLimiter limits tokens per principal, or {@code null} for no limit
     * @param fleetRequestCustomizers shape each request in a fleet, applied in this order
     * @param fleetFullRetryAfter the {@code Retry-After} of a refusal because the fleet is full (whole seconds)
     */
    public NetcodeTokenController(ConnectTokenIssuer issuer, ClientIdResolver clientIdResolver,
            @Nullable UserDataProvider userDataProvider, @Nullable ConnectTokenRateLimiter rateLimiter,
            List<FleetRequestCustomizer> fleetRequestCustomizers, Duration fleetFullRetryAfter) {
        this(issuer, clientIdResolver, userDataProvider, rateLimiter, fleetRequestCustomizers, fleetFullRetryAfter,
                (clientId) -> false);
    }

    /**
     * @param userDataProvider supplies user data, or {@code null} for none
     * @param rateLimiter limits tokens per principal, or {@code null} for no limit
     * @param fleetRequestCustomizers shape each request in a fleet, applied in this order
     * @param fleetFullRetryAfter the {@code Retry-After} of a refusal because the fleet is full (whole seconds)
     * @param connected whether a client id is connected to the game server right now (see
     *        {@link #clientsConnectedTo}): no token is issued for it, 409 instead
     */
    public NetcodeTokenController(ConnectTokenIssuer issuer, ClientIdResolver clientIdResolver,
            @Nullable UserDataProvider userDataProvider, @Nullable ConnectTokenRateLimiter rateLimiter,
            List<FleetRequestCustomizer> fleetRequestCustomizers, Duration fleetFullRetryAfter, LongPredicate connected) {
        this.connected = Objects.requireNonNull(connected, "connected");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clientIdResolver = Objects.requireNonNull(clientIdResolver, "clientIdResolver");
        this.userDataProvider = userDataProvider;
        this.rateLimiter = rateLimiter;
        this.fleetRequestCustomizers = List.copyOf(fleetRequestCustomizers);
        this.fleetFullRetryAfterSeconds = fleetFullRetryAfter.toSeconds();
    }

    /**
     * Issues a token for {@code authentication}.
     *
     * @throws IllegalStateException when the {@link UserDataProvider} returns more than 256 bytes
     */
    @PostMapping(path = PATH, produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE })
    public ResponseEntity<?> issueToken(@Nullable Authentication authentication,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) @Nullable String accept,
            HttpServletRequest request) {
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            // Only reachable when the application's own security rules let anonymous callers through.
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        }
        if (rateLimiter != null) {
            long retryAfterSeconds = rateLimiter.tryAcquire(authentication.getName());
            if (retryAfterSeconds > 0) {
                log.debug("Refused a connect token: the principal used up its {} requests per minute",
                        rateLimiter.requestsPerMinute());
                return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                        .build();
            }
        }
        long clientId = clientIdResolver.resolve(authentication);
        if (connected.test(clientId)) {
            return alreadyConnected(clientId);
        }
        IssuedConnectToken issued = issuer.issue(clientId, userData(authentication, clientId),
                fleetRequest(request, authentication));
        log.debug("Issued a connect token for client id {}, expiring at {}{}", Long.toUnsignedString(clientId),
                issued.expiresAt(), (issued.serverId() != null) ? ", reserved on " + issued.serverId() : "");
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().cacheControl(CacheControl.noStore());
        if (prefersOctetStream(accept)) {
            return response.contentType(MediaType.APPLICATION_OCTET_STREAM).body(issued.token());
        }
        return response.contentType(MediaType.APPLICATION_JSON).body(ConnectTokenResponse.of(issued));
    }

    /**
     * 503 while the game server in this application is not running: the addresses a token lists
     * are not served (or not even known) yet, so no token is issued.
     */
    @ExceptionHandler(NetcodeServerNotRunningException.class)
    ResponseEntity<ProblemDetail> serverNotRunning(NetcodeServerNotRunningException ex) {
        log.debug("Refused a connect token: {}", ex.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The game server is not running yet (or is stopping), so no connect token can be issued. Retry in "
                        + NOT_RUNNING_RETRY_AFTER_SECONDS + " second.");
        problem.setTitle("Game server not running");
        return serviceUnavailable(problem, NOT_RUNNING_RETRY_AFTER_SECONDS);
    }

    /**
     * 503 when no server of the fleet that qualifies has room: the client should wait, not retry at
     * once, while players leave or servers start.
     */
    @ExceptionHandler(NetcodeFleetFullException.class)
    ResponseEntity<ProblemDetail> fleetFull(NetcodeFleetFullException ex) {
        log.debug("Refused a connect token: {}", ex.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "No game server " + (ex.getLabels().isEmpty() ? "" : "matching " + ex.getLabels() + " ")
                        + "has a free slot. Retry in " + fleetFullRetryAfterSeconds + " seconds.");
        problem.setTitle("Fleet full");
        problem.setProperty(REASON, "fleet-full");
        return serviceUnavailable(problem, fleetFullRetryAfterSeconds);
    }

    /**
     * 503 when the fleet's directory cannot be reached: no slot can be reserved, so no token is
     * issued. The cause (which may name the directory's host) stays in the log.
     */
    @ExceptionHandler(ServerDirectoryUnavailableException.class)
    ResponseEntity<ProblemDetail> directoryUnavailable(ServerDirectoryUnavailableException ex) {
        log.debug("Refused a connect token: the fleet's directory cannot be reached: {}", ex.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The directory of game servers cannot be reached, so no slot can be reserved. Retry in "
                        + DIRECTORY_UNAVAILABLE_RETRY_AFTER_SECONDS + " seconds.");
        problem.setTitle("Fleet directory unavailable");
        problem.setProperty(REASON, "directory-unavailable");
        return serviceUnavailable(problem, DIRECTORY_UNAVAILABLE_RETRY_AFTER_SECONDS);
    }

    /**
     * 409 for a client id that is connected right now: its server would drop every connection
     * request for it (one client id, one slot), so the new client would only time out. After a crash
     * the old slot frees itself when the connection times out, the token's timeout.
     */
    private ResponseEntity<ProblemDetail> alreadyConnected(long clientId) {
        log.debug("Refused a connect token: client id {} is connected right now", Long.toUnsignedString(clientId));
        String timeout = issuer.timeoutSeconds() < 0 ? "when it disconnects (timeouts are disabled)"
                : "within " + issuer.timeoutSeconds() + " seconds of its last packet";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "This account is playing right now (connected from another client), and the game server takes one"
                        + " connection per account. If that client crashed, its slot frees itself " + timeout
                        + ": ask again then.");
        problem.setTitle("Already connected");
        problem.setProperty(REASON, "already-connected");
        problem.setProperty("timeoutSeconds", issuer.timeoutSeconds());
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /**
     * Whether a client id holds a slot of {@code server} right now, asked on the server's threads
     * (every shard's). {@code false} while the server is not running: then no token is issued anyway.
     */
    public static LongPredicate clientsConnectedTo(NetcodeServer server) {
        Objects.requireNonNull(server, "server");
        return (clientId) -> {
            if (!server.isRunning()) {
                return false;
            }
            try {
                return server.callEach((machine) -> machine.findClientIndex(clientId) >= 0)
                    .get(CONNECTED_QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .contains(true);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
            catch (ExecutionException | TimeoutException ex) {
                // Stopping meanwhile: the issuer answers that the server is not running.
                return false;
            }
        };
    }

    private static ResponseEntity<ProblemDetail> serviceUnavailable(ProblemDetail problem, long retryAfterSeconds) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The customizers, in order, each shaping what the one before returned. */
    private UnaryOperator<FleetRequest> fleetRequest(HttpServletRequest request, Authentication authentication) {
        return (fleetRequest) -> {
            FleetRequest shaped = fleetRequest;
            for (FleetRequestCustomizer customizer : fleetRequestCustomizers) {
                shaped = customizer.customize(shaped, request, authentication);
            }
            return shaped;
        };
    }

    private byte @Nullable [] userData(Authentication authentication, long clientId) {
        if (userDataProvider == null) {
            return null;
        }
        byte[] userData = userDataProvider.userData(authentication, clientId);
        if (userData != null && userData.length > UserDataProvider.MAX_USER_DATA_BYTES) {
            throw new IllegalStateException("UserDataProvider " + userDataProvider.getClass().getName() + " returned "
                    + userData.length + " bytes of user data for client id " + Long.toUnsignedString(clientId)
                    + "; a connect token holds at most " + UserDataProvider.MAX_USER_DATA_BYTES + " bytes");
        }
        return userData;
    }

    /**
     * Whether the client prefers the raw bytes: the most preferred acceptable type (by quality,
     * then specificity, then order) that includes either JSON or octet-stream includes only the
     * latter. {@code *}{@code /*} and a missing header therefore mean JSON.
     */
    static boolean prefersOctetStream(@Nullable String accept) {
        List<MediaType> accepted = new ArrayList<>(MediaType.parseMediaTypes(accept));
        MimeTypeUtils.sortBySpecificity(accepted);
        for (MediaType mediaType : accepted) {
            if (mediaType.getQualityValue() == 0) {
                continue;
            }
            if (mediaType.includes(MediaType.APPLICATION_JSON)) {
                return false;
            }
            if (mediaType.includes(MediaType.APPLICATION_OCTET_STREAM)) {
                return true;
            }
        }
        return false;
    }
}
