package dev.netcode.boot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when at least one {@code netcode.channels.<name>} property is set: the application uses
 * the message layer instead of raw payloads.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnNetcodeChannelsCondition.class)
@interface ConditionalOnNetcodeChannels {

}
