package dev.netcode.boot.autoconfigure;

import java.lang.reflect.Method;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.listener.InvalidNetcodeListenerException;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidNetcodeListenerFailureAnalyzer}.
 */
class InvalidNetcodeListenerFailureAnalyzerTests {

    private final InvalidNetcodeListenerFailureAnalyzer analyzer = new InvalidNetcodeListenerFailureAnalyzer();

    @Test
    void unsupportedParameterIsExplainedWithTheSupportedTypes() throws Exception {
        Method method = Listeners.class.getDeclaredMethod("withMap", NetcodeSession.class, Map.class);
        InvalidNetcodeListenerException ex = InvalidNetcodeListenerException.forParameter("gameListener", method, 1);
        FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("gameListener", "failed", ex));
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("Parameter 1")
            .contains(method.toGenericString())
            .contains("'gameListener'")
            .contains("java.util.Map<java.lang.String, java.lang.Integer>");
        assertThat(analysis.getAction()).contains("NetcodeSession")
            .contains("byte[]")
            .contains("java.nio.ByteBuffer")
            .contains("long or Long")
            .contains("declare a NetcodeArgumentResolver bean");
        assertThat(analysis.getCause()).isSameAs(ex);
    }

    @Test
    void unsupportedReturnTypeIsExplainedWithTheSupportedTypes() throws Exception {
        Method method = Listeners.class.getDeclaredMethod("returnsText", byte[].class);
        InvalidNetcodeListenerException ex = InvalidNetcodeListenerException.forReturnType("gameListener", method);
        FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("gameListener", "failed", ex));
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains(method.toGenericString())
            .contains("'gameListener'")
            .contains("returns java.lang.String");
        assertThat(analysis.getAction()).contains("return void, or byte[] or java.nio.ByteBuffer")
            .contains("NetcodeSession.send");
    }

    @Test
    void otherFailuresAreNotAnalyzed() {
        assertThat(this.analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
    }

    static class Listeners {

        @NetcodeListener
        void withMap(NetcodeSession session, Map<String, Integer> scores) {
        }

        @NetcodeListener
        String returnsText(byte[] payload) {
            return "";
        }
    }
}
