/**
 * Auto-configuration of the connect token endpoint.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.token;

import org.jspecify.annotations.NullMarked;
