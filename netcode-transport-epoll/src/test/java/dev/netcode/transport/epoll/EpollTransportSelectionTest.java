package dev.netcode.transport.epoll;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.NioTransportProvider;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportSelection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link TransportSelection} with this module on the class path: with netcode-core's native transport switched off
 * (this module's surefire sets {@code netcode.transport.jni=false}), its service file makes epoll the automatic choice.
 */
class EpollTransportSelectionTest {

    @Test
    void autoAndEpollPickTheEpollProviderWhereItRunsAndNioStaysNio() {
        assumeTrue(EpollTransport.isAvailable(), () -> "no native epoll here: " + EpollTransport.unavailabilityCause());

        assertThat(TransportSelection.resolve(TransportSelection.AUTO)).isInstanceOf(EpollTransportProvider.class);
        assertThat(TransportSelection.resolve(TransportSelection.EPOLL).name()).isEqualTo("epoll");
        assertThat(TransportSelection.resolve(TransportSelection.NIO)).isInstanceOf(NioTransportProvider.class);
        try (Transport transport = TransportSelection.resolve(TransportSelection.AUTO)
                .bind(NetcodeAddress.parse("127.0.0.1:0"), TransportOptions.defaults())) {
            assertThat(transport).isInstanceOf(EpollTransport.class);
            assertThat(transport.localAddress().port()).isNotZero();
        }
    }

    @Test
    void theProviderSaysWhetherEpollRunsHereAndWhyNot() {
        EpollTransportProvider provider = new EpollTransportProvider();
        assertThat(provider.isAvailable()).isEqualTo(EpollTransport.isAvailable());
        if (provider.isAvailable()) {
            assertThat(provider.unavailabilityReason()).isNull();
        }
        else {
            assertThat(provider.unavailabilityReason()).contains("Linux x86-64");
        }
    }
}
