package dev.netcode.boot.fleet;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.util.StringUtils;

import dev.netcode.fleet.FleetRequest;

/**
 * Reads the token request's {@code region} parameter ({@code POST /netcode/token?region=eu}): the
 * token then lists only servers with label {@code region=eu} (see {@code netcode.fleet.region}).
 * Without the parameter any region will do. Ordered first (0), so later customizers can override it.
 */
public class RegionParameterFleetRequestCustomizer implements FleetRequestCustomizer, Ordered {

    /** The request parameter read. */
    public static final String PARAMETER = "region";

    @Override
    public FleetRequest customize(FleetRequest request, HttpServletRequest httpRequest,
            Authentication authentication) {
        String region = httpRequest.getParameter(PARAMETER);
        return StringUtils.hasText(region) ? request.region(region.trim()) : request;
    }

    @Override
    public int getOrder() {
        return 0;
    }
}
