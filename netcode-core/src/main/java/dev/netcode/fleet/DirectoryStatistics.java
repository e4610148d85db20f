package dev.netcode.fleet;

/**
 * What one directory instance has done since it was created (counts of its own calls, not of the
 * whole fleet's).
 *
 * @param reservationsMade reservations made (or renewed for the same client)
 * @param reservationsRefused requests that found no qualifying server with room
 * @param reservationsExpired reservations this instance found lapsed and released (the player never
 *        connected before the token expired, or its server dropped out)
 * @param malformedEntries directory entries this instance ignored because they did not read as a
 *        server (written by something else, or a different version)
 * @param failures calls that failed because the directory could not be reached
 */
public record DirectoryStatistics(long reservationsMade, long reservationsRefused, long reservationsExpired,
        long malformedEntries, long failures) {
}
