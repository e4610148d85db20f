package dev.netcode.boot.autoconfigure.fleet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

import dev.netcode.boot.autoconfigure.NetcodeProperties.Fleet.DirectoryType;

/**
 * Matches when {@code netcode.fleet.directory} is {@link #value()}, bound as the properties bind
 * it (so {@code in-memory}, {@code IN_MEMORY} and {@code inMemory} all match).
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnFleetDirectoryCondition.class)
@interface ConditionalOnFleetDirectory {

    DirectoryType value();

}
