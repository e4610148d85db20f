/**
 * Auto-configuration for the netcode health indicator.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
