/**
 * Spring Security configuration of the connect token endpoint and of the netcode actuator endpoint.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.security;

import org.jspecify.annotations.NullMarked;
