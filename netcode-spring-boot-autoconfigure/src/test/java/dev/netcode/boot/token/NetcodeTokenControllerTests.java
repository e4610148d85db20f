package dev.netcode.boot.token;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NetcodeTokenController}'s choice between JSON and raw bytes.
 */
class NetcodeTokenControllerTests {

    @Test
    void choosesJsonByDefault() {
        assertThat(NetcodeTokenController.prefersOctetStream(null)).isFalse();
        assertThat(NetcodeTokenController.prefersOctetStream("")).isFalse();
        assertThat(NetcodeTokenController.prefersOctetStream("*/*")).isFalse();
        assertThat(NetcodeTokenController.prefersOctetStream("application/*")).isFalse();
        assertThat(NetcodeTokenController.prefersOctetStream("application/json")).isFalse();
        assertThat(NetcodeTokenController.prefersOctetStream("application/json, application/octet-stream")).isFalse();
    }

    @Test
    void choosesRawBytesWhenPreferred() {
        assertThat(NetcodeTokenController.prefersOctetStream("application/octet-stream")).isTrue();
        assertThat(NetcodeTokenController.prefersOctetStream("application/octet-stream, */*")).isTrue();
        assertThat(NetcodeTokenController.prefersOctetStream("application/json;q=0.5, application/octet-stream"))
            .isTrue();
        assertThat(NetcodeTokenController.prefersOctetStream("application/json;q=0, application/octet-stream;q=0.1"))
            .isTrue();
    }
}
