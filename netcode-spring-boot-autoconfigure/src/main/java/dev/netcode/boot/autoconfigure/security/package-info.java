/**
 * Spring Security configuration of the connect token endpoint.
 */
@NullMarked
package dev.netcode.boot.autoconfigure.security;

import org.jspecify.annotations.NullMarked;
