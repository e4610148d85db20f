package dev.netcode.demo.client;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.netcode.client.ClientState;
import dev.netcode.demo.game.Direction;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * Plays without a keyboard ({@code --scripted SECONDS}): walks right, down, left, up, a second
 * each, sending ten inputs a second, says the {@code --say} line (if any) once connected (and
 * before leaving waits up to {@value #OWN_LINE_WAIT_SECONDS} s for the events channel to bring it
 * back), and prints plain lines a script can read:
 *
 * <pre>
 * state DISCONNECTED -> SENDING_CONNECTION_REQUEST      on every state change
 * event alice joined                                    on every match event (events channel)
 * tick=412 rtt_ms=1.3 score=2 players=9                 once a second
 * summary state=CONNECTED snapshots=57 events=4 rtt_ms=1.3   at the end (the state before leaving)
 * </pre>
 */
final class ScriptedPlay {

    private static final Direction[] PATTERN = { Direction.RIGHT, Direction.DOWN, Direction.LEFT, Direction.UP };
    private static final int INPUTS_PER_SECOND = 10;
    private static final int OWN_LINE_WAIT_SECONDS = 10;

    private ScriptedPlay() {
    }

    /** @return 0 if it connected and received snapshots, 1 otherwise */
    static int run(byte[] token, int seconds, String say, PrintStream out, PrintStream err)
            throws InvalidConnectTokenException, InterruptedException {
        CountDownLatch heardOwnLine = new CountDownLatch(1);
        GameSession session = new GameSession(token,
                (previous, current) -> out.println("state " + previous + " -> " + current),
                event -> {
                    out.println("event " + event.describe());
                    if (event.kind() == GameEvent.Kind.CHAT && event.text().equals(say)) {
                        heardOwnLine.countDown();
                    }
                });
        String unsaid = say;
        ClientState reached;
        try {
            long start = System.nanoTime();
            long stepNanos = TimeUnit.SECONDS.toNanos(1) / INPUTS_PER_SECOND;
            for (int step = 1; step <= seconds * INPUTS_PER_SECOND; step++) {
                TimeUnit.NANOSECONDS.sleep(start + step * stepNanos - System.nanoTime());
                if (session.state().isError()) {
                    break;
                }
                session.send(PATTERN[(step / INPUTS_PER_SECOND) % PATTERN.length]);
                if (unsaid != null && session.say(unsaid)) {
                    unsaid = null;
                }
                if (step % INPUTS_PER_SECOND == 0) {
                    long tick = session.latest() == null ? 0 : session.latest().tick();
                    out.println("tick=" + tick + " rtt_ms=" + session.rttText() + " score=" + session.score()
                            + " players=" + session.players());
                }
            }
            if (say != null && unsaid == null) {
                // The line was said near the end maybe: let the reliable channel bring it back.
                heardOwnLine.await(OWN_LINE_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            reached = session.state();
        }
        finally {
            session.close();
        }
        out.println("summary state=" + reached + " snapshots=" + session.snapshotsReceived() + " events="
                + session.eventsReceived() + " rtt_ms=" + session.rttText());
        if (!session.everConnected() || session.snapshotsReceived() == 0) {
            err.println("error: " + (session.everConnected() ? "connected but received no snapshots"
                    : "could not connect: " + TerminalClient.whyNotConnected(reached)));
            return 1;
        }
        return 0;
    }
}
