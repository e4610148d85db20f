/**
 * Auto-configuration for the netcode meter binders.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
