package dev.netcode.boot.autoconfigure.fleet;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.netcode.boot.autoconfigure.NetcodeProperties.Fleet.DirectoryType;

/** {@link ConditionalOnFleetDirectory}: {@code netcode.fleet.directory}, default {@code none}. */
class OnFleetDirectoryCondition extends SpringBootCondition {

    private static final String PROPERTY = "netcode.fleet.directory";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnFleetDirectory.class.getName());
        DirectoryType wanted = (DirectoryType) attributes.get("value");
        DirectoryType configured;
        try {
            configured = Binder.get(context.getEnvironment()).bind(PROPERTY, DirectoryType.class).orElse(DirectoryType.NONE);
        }
        catch (BindException ex) {
            // Binding NetcodeProperties fails with the accepted values; nothing fleet-related meanwhile.
            return ConditionOutcome.noMatch(PROPERTY + " is not a directory type");
        }
        return (configured == wanted) ? ConditionOutcome.match(PROPERTY + " is " + configured)
                : ConditionOutcome.noMatch(PROPERTY + " is " + configured + ", not " + wanted);
    }
}
