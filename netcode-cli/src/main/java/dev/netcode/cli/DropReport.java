package dev.netcode.cli;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import dev.netcode.packet.DropCounters;
import dev.netcode.packet.DropReason;

/**
 * The {@code drops} lines of the {@code server} command: why datagrams were dropped, by
 * {@link DropReason} in lower case, as the server's statistics and metrics name them. A wrong key
 * shows as {@code token_decrypt_failed}, a wrong protocol id as {@code wrong_protocol_id}, a token
 * used twice as {@code token_already_used}, a client id already connected as
 * {@code client_id_already_connected}:
 * <pre>
 * drops total=15 token_decrypt_failed=12 (+3) wrong_protocol_id=3
 * </pre>
 * {@link #lineIfChanged} gives such a line, with the growth since the last one in brackets, only
 * when a count grew; {@link #totals} the final tally without brackets. Not thread-safe: one thread
 * asks.
 */
final class DropReport {

    private final DropCounters counters;
    private Map<DropReason, Long> reported = new EnumMap<>(DropReason.class);

    DropReport(DropCounters counters) {
        this.counters = counters;
    }

    /** A {@code drops} line when any count grew since the last one, else {@code null}. */
    String lineIfChanged() {
        Map<DropReason, Long> now = counters.snapshot();
        if (now.equals(reported)) {
            return null;
        }
        String line = line(now, reported);
        reported = now;
        return line;
    }

    /** {@code drops total=N} and every non-zero count, growth not shown. */
    String totals() {
        Map<DropReason, Long> now = counters.snapshot();
        return line(now, now);
    }

    private static String line(Map<DropReason, Long> now, Map<DropReason, Long> before) {
        StringBuilder line = new StringBuilder("drops total=")
                .append(now.values().stream().mapToLong(Long::longValue).sum());
        now.forEach((reason, count) -> {
            line.append(' ').append(reason.name().toLowerCase(Locale.ROOT)).append('=').append(count);
            long growth = count - before.getOrDefault(reason, 0L);
            if (growth > 0) {
                line.append(" (+").append(growth).append(')');
            }
        });
        return line.toString();
    }
}
