package dev.netcode.demo.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.netcode.client.ClientState;
import dev.netcode.demo.game.Direction;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * Plays from the keyboard in a terminal in raw mode, redrawing ten times a second with ANSI
 * escapes. A reader thread turns key presses into directions and sends an input the moment the
 * direction changes; the drawing loop also repeats the current direction every frame, so the
 * server hears from us at least ten times a second even when nobody touches a key.
 */
final class InteractivePlay {

    private static final String CLEAR_SCREEN = "\033[2J";
    private static final String HOME = "\033[H";
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";
    private static final String HIDE_CURSOR = "\033[?25l";
    private static final String SHOW_CURSOR = "\033[?25h";
    private static final long FRAME_MILLIS = 100;

    private InteractivePlay() {
    }

    /** @return 0 when the player quit, 1 when the connection failed or ended */
    static int run(byte[] token, String user, InputStream in, PrintStream out, PrintStream err)
            throws IOException, InvalidConnectTokenException, InterruptedException {
        int[] rowsColumns = RawTerminal.size(new int[] { 24, 80 });
        ArenaView view = new ArenaView(clamp(rowsColumns[1] - 2, 16, 64), clamp(rowsColumns[0] - 5, 6, 18));
        AtomicReference<Direction> wanted = new AtomicReference<>(Direction.NONE);
        CountDownLatch quit = new CountDownLatch(1);
        ClientState last;
        try (RawTerminal terminal = RawTerminal.enter(); GameSession session = new GameSession(token, (a, b) -> { })) {
            startKeyReader(in, session, wanted, quit);
            out.print(CLEAR_SCREEN + HIDE_CURSOR);
            try {
                while (!quit.await(FRAME_MILLIS, TimeUnit.MILLISECONDS) && !ended(session)) {
                    session.send(wanted.get());
                    out.print(HOME + header(user, session) + CLEAR_TO_END_OF_LINE + "\r\n" + view.render(session.latest())
                            + "arrows/WASD move, space stops, q quits" + CLEAR_TO_END_OF_LINE + "\r\n");
                    out.flush();
                }
            }
            finally {
                out.print(SHOW_CURSOR + "\r\n");
                out.flush();
            }
            last = session.state();
        }
        if (quit.getCount() == 0) {
            return 0;
        }
        err.println("connection ended: " + last);
        return 1;
    }

    /** Failed to connect, or was connected and is not any more (kicked, timed out). */
    private static boolean ended(GameSession session) {
        ClientState state = session.state();
        return state.isError() || (session.everConnected() && state == ClientState.DISCONNECTED);
    }

    private static void startKeyReader(InputStream in, GameSession session, AtomicReference<Direction> wanted,
            CountDownLatch quit) {
        Thread reader = new Thread(() -> {
            KeyDecoder keys = new KeyDecoder();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    KeyDecoder.Key key = keys.feed(b);
                    if (key == KeyDecoder.Key.QUIT) {
                        break;
                    }
                    if (key != null && wanted.getAndSet(key.direction) != key.direction) {
                        session.send(key.direction); // at once, not at the next frame
                    }
                }
            }
            catch (IOException ex) {
                // Input closed: treat it as quitting.
            }
            finally {
                quit.countDown();
            }
        }, "keys");
        reader.setDaemon(true); // blocked in read() when the game ends; it must not keep the JVM alive
        reader.start();
    }

    /** For example {@code alice: connected slot 3 | rtt 1.2 ms | score 4 | players 9}. */
    private static String header(String user, GameSession session) {
        ClientState state = session.state();
        String status = state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (state == ClientState.CONNECTED) {
            status += " slot " + session.slot();
        }
        return user + ": " + status + " | rtt " + session.rttText() + " ms | score " + session.score() + " | players "
                + session.players();
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
