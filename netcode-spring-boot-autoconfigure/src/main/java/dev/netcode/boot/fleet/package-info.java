/**
 * The fleet in a Spring application: how its game server is listed in the
 * {@link dev.netcode.fleet.ServerDirectory}, how token requests are shaped and refused, and the
 * Redis directory through Spring Data Redis.
 */
@NullMarked
package dev.netcode.boot.fleet;

import org.jspecify.annotations.NullMarked;
