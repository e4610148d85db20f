package dev.netcode.boot.token;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientAddressRateLimitFilter}, on a {@link TestClock}.
 */
class ClientAddressRateLimitFilterTests {

    private final TestClock clock = new TestClock();

    private final ClientAddressRateLimitFilter filter = new ClientAddressRateLimitFilter(
            new ConnectTokenRateLimiter(2, 100, this.clock));

    @Test
    void refusesPastTheLimitWithRetryAfterAndStopsTheRequestThere() throws Exception {
        assertThat(exchange("203.0.113.7").passedOn()).isTrue();
        assertThat(exchange("203.0.113.7").passedOn()).isTrue();
        Exchange refused = exchange("203.0.113.7");
        assertThat(refused.passedOn()).isFalse();
        assertThat(HttpStatus.valueOf(refused.response().getStatus())).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.response().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
        this.clock.advance(Duration.ofSeconds(10));
        assertThat(exchange("203.0.113.7").response().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("20");
        this.clock.advance(Duration.ofSeconds(20));
        assertThat(exchange("203.0.113.7").passedOn()).isTrue();
        assertThat(exchange("203.0.113.7").passedOn()).isFalse();
    }

    @Test
    void limitsEachAddressSeparately() throws Exception {
        exchange("203.0.113.7");
        exchange("203.0.113.7");
        assertThat(exchange("203.0.113.7").passedOn()).isFalse();
        assertThat(exchange("203.0.113.8").passedOn()).isTrue();
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareTheirLimit() throws Exception {
        exchange("2001:db8:1:2:0:0:0:1");
        exchange("2001:db8:1:2:abcd:0:0:9");
        assertThat(exchange("2001:db8:1:2:ffff:ffff:ffff:ffff").passedOn()).isFalse();
        assertThat(exchange("2001:db8:1:3:0:0:0:1").passedOn()).isTrue();
    }

    @Test
    void keysAddressesByIpv4OrIpv6Slash64() {
        assertThat(ClientAddressRateLimitFilter.clientKey("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddressRateLimitFilter.clientKey("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddressRateLimitFilter.clientKey("0:0:0:0:0:ffff:cb00:7107")).isEqualTo("203.0.113.7");
        assertThat(ClientAddressRateLimitFilter.clientKey("2001:db8:1:2::1")).isEqualTo("20010db800010002::/64");
        assertThat(ClientAddressRateLimitFilter.clientKey("fe80:0:0:0:1:2:3:4%eth0")).isEqualTo("fe80000000000000::/64");
        assertThat(ClientAddressRateLimitFilter.clientKey("0:0:0:0:0:0:0:1")).isEqualTo("0000000000000000::/64");
        assertThat(ClientAddressRateLimitFilter.clientKey("unknown")).isEqualTo("unknown");
    }

    private Exchange exchange(String remoteAddress) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/netcode/token");
        request.setRemoteAddr(remoteAddress);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        this.filter.doFilter(request, response, chain);
        return new Exchange(response, chain.getRequest() != null);
    }

    private record Exchange(MockHttpServletResponse response, boolean passedOn) {
    }
}
