/**
 * Actuator endpoint for a netcode server: slot occupancy and totals, and a disconnect operation.
 */
@NullMarked
package dev.netcode.boot.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
