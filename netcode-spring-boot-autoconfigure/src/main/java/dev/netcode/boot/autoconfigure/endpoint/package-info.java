/**
 * Auto-configuration for the netcode actuator endpoint.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
