/**
 * Health indicator for a netcode server.
 */
@NullMarked
package dev.netcode.boot.health;

import org.jspecify.annotations.NullMarked;
