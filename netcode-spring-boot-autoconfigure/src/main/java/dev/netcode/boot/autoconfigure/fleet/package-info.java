/**
 * Auto-configuration for the fleet: the server directory, the game server's listing in it, and
 * the default shaping of token requests.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.fleet;

import org.jspecify.annotations.NullMarked;
