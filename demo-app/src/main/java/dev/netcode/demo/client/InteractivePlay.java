package dev.netcode.demo.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.netcode.client.ClientState;
import dev.netcode.demo.game.Direction;
import dev.netcode.demo.game.GameEvent;
import dev.netcode.demo.game.GameMessages;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * Plays from the keyboard in a terminal in raw mode, redrawing ten times a second with ANSI
 * escapes: the arena, and under it the last {@value #EVENT_LINES} match events from the events
 * channel. A reader thread turns key presses into directions and sends an input the moment the
 * direction changes; the drawing loop also repeats the current direction every frame, so the
 * server hears from us at least ten times a second even when nobody touches a key. {@code t}
 * opens a chat line, sent on Enter.
 */
final class InteractivePlay {

    private static final String CLEAR_SCREEN = "\033[2J";
    private static final String HOME = "\033[H";
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";
    private static final String HIDE_CURSOR = "\033[?25l";
    private static final String SHOW_CURSOR = "\033[?25h";
    private static final String END_OF_LINE = CLEAR_TO_END_OF_LINE + "\r\n";
    private static final long FRAME_MILLIS = 100;
    static final int EVENT_LINES = 3;
    static final String HELP = "arrows/WASD move, space stops, t chats, q quits";

    private InteractivePlay() {
    }

    /** @return 0 when the player quit, 1 when the connection failed or ended */
    /** @param say a chat line to say once connected, or {@code null} */
    static int run(byte[] token, String user, String say, InputStream in, PrintStream out, PrintStream err)
            throws IOException, InvalidConnectTokenException, InterruptedException {
        int[] rowsColumns = RawTerminal.size(new int[] { 24, 80 });
        ArenaView view = new ArenaView(clamp(rowsColumns[1] - 2, 16, 64),
                clamp(rowsColumns[0] - 5 - EVENT_LINES, 6, 18));
        AtomicReference<Direction> wanted = new AtomicReference<>(Direction.NONE);
        AtomicReference<String> prompt = new AtomicReference<>();
        CountDownLatch quit = new CountDownLatch(1);
        ClientState last;
        boolean everConnected;
        try (RawTerminal terminal = RawTerminal.enter();
                GameSession session = new GameSession(token, (a, b) -> { }, event -> { })) {
            startKeyReader(in, session, wanted, prompt, quit);
            out.print(CLEAR_SCREEN + HIDE_CURSOR);
            String unsaid = say;
            try {
                while (!quit.await(FRAME_MILLIS, TimeUnit.MILLISECONDS) && !ended(session)) {
                    session.send(wanted.get());
                    if (unsaid != null && session.say(unsaid)) {
                        unsaid = null;
                    }
                    out.print(HOME + frame(header(user, session), view, session.latest(), prompt.get(),
                            session.recentEvents()));
                    out.flush();
                }
            }
            finally {
                out.print(SHOW_CURSOR + "\r\n");
                out.flush();
            }
            last = session.state();
            everConnected = session.everConnected();
        }
        if (quit.getCount() == 0) {
            return 0;
        }
        err.println(everConnected ? "connection ended: " + last
                : "could not connect: " + TerminalClient.whyNotConnected(last));
        return 1;
    }

    /** Failed to connect, or was connected and is not any more (kicked, timed out). */
    private static boolean ended(GameSession session) {
        ClientState state = session.state();
        return state.isError() || (session.everConnected() && state == ClientState.DISCONNECTED);
    }

    /**
     * One screen: the header, the arena, the chat line being typed ({@code prompt}) or the keys,
     * and the last {@value #EVENT_LINES} of {@code events} (cut to the arena's width); every line
     * ends by clearing the rest of the terminal's line, so a shorter line leaves nothing behind.
     */
    static String frame(String header, ArenaView view, GameMessages.Snapshot snapshot, String prompt,
            List<GameEvent> events) {
        StringBuilder frame = new StringBuilder(header).append(END_OF_LINE).append(view.render(snapshot));
        frame.append(prompt == null ? HELP : "say: " + prompt + "_").append(END_OF_LINE);
        List<GameEvent> shown = events.subList(Math.max(0, events.size() - EVENT_LINES), events.size());
        for (int i = 0; i < EVENT_LINES; i++) {
            if (i < shown.size()) {
                frame.append(clip(shown.get(i).describe(), view.columns() + 2));
            }
            frame.append(END_OF_LINE);
        }
        return frame.toString();
    }

    private static String clip(String text, int characters) {
        return text.codePointCount(0, text.length()) <= characters ? text
                : text.substring(0, text.offsetByCodePoints(0, characters));
    }

    /**
     * @param prompt set to the chat line while one is typed, {@code null} otherwise
     */
    private static void startKeyReader(InputStream in, GameSession session, AtomicReference<Direction> wanted,
            AtomicReference<String> prompt, CountDownLatch quit) {
        Thread reader = new Thread(() -> {
            KeyDecoder keys = new KeyDecoder();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    KeyDecoder.Key key = keys.feed(b);
                    if (key == KeyDecoder.Key.QUIT) {
                        break;
                    }
                    if (key == KeyDecoder.Key.CHAT || key == KeyDecoder.Key.EDIT) {
                        prompt.set(keys.line());
                    }
                    else if (key == KeyDecoder.Key.SAY) {
                        String text = keys.takeLine();
                        prompt.set(null);
                        if (!text.isBlank()) {
                            session.say(text);
                        }
                    }
                    else if (key != null && wanted.getAndSet(key.direction) != key.direction) {
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

    /** For example {@code alice: connected slot 3 | rtt 1.2 ms | loss 0.0 % | score 4 | players 9}. */
    private static String header(String user, GameSession session) {
        ClientState state = session.state();
        String status = state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (state == ClientState.CONNECTED) {
            status += " slot " + session.slot();
        }
        return user + ": " + status + " | rtt " + session.rttText() + " ms | loss " + session.lossText() + " % | score "
                + session.score() + " | players " + session.players();
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
