package dev.netcode.transport;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link TransportSelection}. netcode-core's class path has the nio and native providers; the epoll module's
 * tests resolve the real epoll provider. In the package-private resolve, stand-ins named native and epoll play them,
 * available or not as each case needs.
 */
class TransportSelectionTest {

    private final TransportProvider nio = new NioTransportProvider();

    private final TransportProvider nativeUp = new StandIn("native", null);

    private final TransportProvider nativeDown = new StandIn("native", "its JNI library did not load (no gcc)");

    private final TransportProvider epollUp = new StandIn("epoll", null);

    private final TransportProvider epollDown = new StandIn("epoll", "no native library for sparc");

    @Test
    void parsesTheConfigurationValuesIgnoringCaseAndBlanks() {
        assertThat(TransportSelection.parse("auto")).isEqualTo(TransportSelection.AUTO);
        assertThat(TransportSelection.parse("native")).isEqualTo(TransportSelection.NATIVE);
        assertThat(TransportSelection.parse(" EPOLL ")).isEqualTo(TransportSelection.EPOLL);
        assertThat(TransportSelection.parse("Nio")).isEqualTo(TransportSelection.NIO);
        for (TransportSelection selection : TransportSelection.values()) {
            assertThat(TransportSelection.parse(selection.configValue())).isEqualTo(selection);
        }
    }

    @Test
    void anUnknownValueIsRejectedNamingItAndTheValidOnes() {
        assertThatThrownBy(() -> TransportSelection.parse("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown transport 'kqueue': use auto, native, epoll or nio");
        assertThatThrownBy(() -> TransportSelection.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use auto, native, epoll or nio");
        assertThatThrownBy(() -> TransportSelection.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use auto, native, epoll or nio");
    }

    @Test
    void onCoresClassPathAutoPicksNativeWhereItLoadsElseNio() {
        String expected = NativeUdpTransport.isAvailable() ? "native" : "nio";
        assertThat(TransportSelection.resolve(TransportSelection.AUTO).name()).isEqualTo(expected);
        assertThat(TransportSelection.resolve(TransportSelection.NIO)).isInstanceOf(NioTransportProvider.class);
    }

    @Test
    void onCoresClassPathNativeIsTheRealProviderOrFailsWithItsReason() {
        if (NativeUdpTransport.isAvailable()) {
            assertThat(TransportSelection.resolve(TransportSelection.NATIVE)).isInstanceOf(NativeTransportProvider.class);
        }
        else {
            assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.NATIVE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(NativeUdpTransport.unavailabilityReason());
        }
    }

    @Test
    void epollWithoutTheModuleOnTheClassPathFailsSayingWhichDependencyToAdd() {
        assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.EPOLL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport epoll was chosen", "add the dependency dev.netcode:netcode-transport-epoll",
                        "or choose transport nio");
    }

    @Test
    void autoPrefersAnAvailableNativeOverEpollAndNio() {
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(nio, epollUp, nativeUp), true)).isSameAs(nativeUp);
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(nativeUp, nio), true)).isSameAs(nativeUp);
    }

    @Test
    void eachNamedSelectionPicksItsProviderWhereItRuns() {
        List<TransportProvider> providers = List.of(nio, nativeUp, epollUp);

        assertThat(TransportSelection.resolve(TransportSelection.NATIVE, providers, true)).isSameAs(nativeUp);
        assertThat(TransportSelection.resolve(TransportSelection.EPOLL, providers, true)).isSameAs(epollUp);
        assertThat(TransportSelection.resolve(TransportSelection.NIO, providers, true)).isSameAs(nio);
    }

    @Test
    void withoutNativeAutoFallsBackToAnAvailableEpoll() {
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(nio, nativeDown, epollUp), true)).isSameAs(epollUp);
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(epollUp, nio), true))
                .as("a class path that lost native's service entry").isSameAs(epollUp);
    }

    @Test
    void withoutNativeAndEpollAutoFallsBackToNio() {
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(nio, nativeDown, epollDown), true)).isSameAs(nio);
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(nio, nativeDown), true)).isSameAs(nio);
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(nio, nativeDown), false)).isSameAs(nio);
    }

    @Test
    void nativeWhereItCannotRunFailsWithItsReasonAndWhatToDo() {
        assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.NATIVE, List.of(nio, nativeDown, epollUp), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport native was chosen but it cannot run here",
                        "its JNI library did not load (no gcc)", "Linux", "gcc", "or choose transport nio");
        assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.NATIVE, List.of(nio), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport native was chosen", "META-INF/services", "or choose transport nio");
    }

    @Test
    void anUnavailableEpollFailsWithItsReason() {
        assertThatThrownBy(() -> TransportSelection.resolve(TransportSelection.EPOLL, List.of(nio, nativeUp, epollDown), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("transport epoll was chosen", "it needs Linux x86-64", "no native library for sparc",
                        "or choose transport nio");
    }

    @Test
    void nioIsThereEvenWhenItsServiceFileWasLost() {
        assertThat(TransportSelection.resolve(TransportSelection.AUTO, List.of(), true)).isInstanceOf(NioTransportProvider.class);
        assertThat(TransportSelection.resolve(TransportSelection.NIO, List.of(), false)).isInstanceOf(NioTransportProvider.class);
    }

    private record StandIn(String name, String unavailabilityReason) implements TransportProvider {

        @Override
        public boolean isAvailable() {
            return unavailabilityReason == null;
        }

        @Override
        public Transport bind(NetcodeAddress address, TransportOptions options) {
            throw new UnsupportedOperationException("a stand-in binds nothing");
        }
    }
}
