package dev.netcode.boot.token;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Objects;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.netcode.address.NetcodeAddress;

/**
 * Limits requests per client address before anything else runs for them, so that a flood of
 * login attempts from one machine costs no password hashing: past the limit a request gets 429
 * Too Many Requests with a {@code Retry-After} header in seconds and goes no further. The
 * auto-configured token endpoint chain places it before its authentication filters.
 *
 * <p>The address is {@link HttpServletRequest#getRemoteAddr()}: an IPv4 address, or the /64
 * prefix of an IPv6 address (one host usually holds a whole /64). Behind a reverse proxy that is
 * the proxy, unless the application trusts its forwarded headers
 * ({@code server.forward-headers-strategy}). A limit per address slows down one machine; it does
 * not stop an attacker with many addresses.
 */
public class ClientAddressRateLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ClientAddressRateLimitFilter.class);

    private final ConnectTokenRateLimiter limiter;

    /** @param limiter the allowance per client address */
    public ClientAddressRateLimitFilter(ConnectTokenRateLimiter limiter) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long retryAfterSeconds = limiter.tryAcquire(clientKey(request.getRemoteAddr()));
        if (retryAfterSeconds > 0) {
            log.debug("Refused a request to {}: its client address used up its {} requests per minute",
                    request.getRequestURI(), limiter.requestsPerMinute());
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * The key an address is limited under: an IPv4 address as is (also when written IPv4-mapped),
     * an IPv6 address as its /64 prefix, anything else unchanged.
     */
    static String clientKey(String remoteAddress) {
        int zone = remoteAddress.indexOf('%');
        NetcodeAddress address;
        try {
            address = NetcodeAddress.parse((zone < 0) ? remoteAddress : remoteAddress.substring(0, zone));
        }
        catch (IllegalArgumentException ex) {
            return remoteAddress;
        }
        byte[] ip = address.ip();
        if (!address.isIpv6()) {
            return dotted(ip, 0);
        }
        if (isIpv4Mapped(ip)) {
            return dotted(ip, 12);
        }
        return HexFormat.of().formatHex(ip, 0, 8) + "::/64";
    }

    private static String dotted(byte[] ip, int offset) {
        return (ip[offset] & 0xFF) + "." + (ip[offset + 1] & 0xFF) + "." + (ip[offset + 2] & 0xFF) + "."
                + (ip[offset + 3] & 0xFF);
    }

    private static boolean isIpv4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }
}
