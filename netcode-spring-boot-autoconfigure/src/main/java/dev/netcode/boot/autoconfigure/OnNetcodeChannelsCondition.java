package dev.netcode.boot.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** {@link ConditionalOnNetcodeChannels}: any property under {@code netcode.channels}. */
class OnNetcodeChannelsCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, String> channels = Binder.get(context.getEnvironment())
            .bind("netcode.channels", Bindable.mapOf(String.class, String.class))
            .orElse(Map.of());
        return channels.isEmpty() ? ConditionOutcome.noMatch("no netcode.channels are configured")
                : ConditionOutcome.match("netcode.channels are configured");
    }
}
