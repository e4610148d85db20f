package dev.netcode.transport;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link TransportSelection}. netcode-core's class path has only the nio provider; the epoll module's
 * tests resolve the real epoll provider, here a stand-in provider named epoll plays it.
 */
class TransportSelectionTest {

    private final TransportProvider nio = new NioTransportProvider();

    @Test
    void parsesTheConfigurationValuesIgnoringCaseAndBlanks() {
        assertThat(TransportSelection.parse("auto")).isEqualTo(TransportSelection.AUTO);
        assertThat(TransportSelection.parse(" EPOLL ")).isEqualTo(TransportSelection.EPOLL);
        assertThat(TransportSelection.parse("Nio")).isEqualTo(TransportSelection.NIO);
        for (TransportSelection selection : TransportSelection.values()) {
            assertThat(TransportSelection.parse(selection.configValue())).isEqualTo(selection);
        }
    }

    @Test
    void anUnknownValueIsRejectedNamingItAndTheValidOnes() {
        assertThatThrownBy(() -> TransportSelection.parse("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown transport 'kqueue': use auto, epoll or nio");
        assertThatThrownBy(() -> TransportSelection.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use auto, epoll or nio");
        assertThatThrownBy(() -> TransportSelection.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use auto, epoll or nio");
    }

    @Test
    void onCoresClassPathAutoAndNioResolveToNio() {
        assertThat(TransportSelection.resolve(TransportSelection.AUTO).name()).isEqualTo("nio");
        assertThat(TransportSelection.resolve(TransportSelection.NIO)).isInstanceOf(NioTransportProvider.class);
    }

    @Test
    void epollWithoutTheModuleOnTheClassPathFailsSayingWhichDependencyToAdd() {
        assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.EPOLL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport epoll was chosen", "add the dependency dev.netcode:netcode-transport-epoll",
                        "or choose transport nio");
    }

    @Test
    void anAvailableEpollProviderIsWhatAutoAndEpollPick() {
        TransportProvider epoll = new StandInEpoll(true);
        List<TransportProvider> providers = List.of(nio, epoll);

        assertThat(TransportSelection.resolve(TransportSelection.AUTO, providers, true)).isSameAs(epoll);
        assertThat(TransportSelection.resolve(TransportSelection.EPOLL, providers, true)).isSameAs(epoll);
        assertThat(TransportSelection.resolve(TransportSelection.NIO, providers, true)).isSameAs(nio);
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(epoll, nio), true)).isSameAs(epoll);
    }

    @Test
    void anUnavailableEpollProviderMakesAutoFallBackToNioAndEpollFailWithItsReason() {
        List<TransportProvider> providers = List.of(nio, new StandInEpoll(false));

        assertThat(TransportSelection.resolve(TransportSelection.AUTO, providers, true)).isSameAs(nio);
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, providers, false)).isSameAs(nio);
        assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.EPOLL, providers, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport epoll was chosen", "it needs Linux x86-64", "no native library for sparc",
                        "or choose transport nio");
    }

    @Test
    void nioIsThereEvenWhenItsServiceFileWasLost() {
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(), true)).isInstanceOf(NioTransportProvider.class);
        assertThat(TransportSelection.resolve(TransportSelection.NIO, List.of(), false)).isInstanceOf(NioTransportProvider.class);
    }

    private record StandInEpoll(boolean isAvailable) implements TransportProvider {

        @Override
        public String name() {
            return "epoll";
        }

        @Override
        public String unavailabilityReason() {
            return isAvailable ? null : "no native library for sparc";
        }

        @Override
        public Transport bind(NetcodeAddress address, TransportOptions options) {
            throw new UnsupportedOperationException("a stand-in binds nothing");
        }
    }
}
