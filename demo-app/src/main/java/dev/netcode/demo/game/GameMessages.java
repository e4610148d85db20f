package dev.netcode.demo.game;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's two binary messages (little-endian, like netcode itself): inputs on the
 * {@value GameChannels#INPUTS} channel, snapshots on the {@value GameChannels#SNAPSHOTS} channel.
 * Both channels are unreliable: nothing here is re-sent, a newer message replaces a lost one.
 *
 * <pre>
 * input    (client → server, 10 bytes): 0x01, direction u8, echo u64 (any stamp; comes back in the snapshot)
 * snapshot (server → client): 0x02, tick u32, you u8 (index in the player list, 255 if absent), echo u64,
 *          held u32 (microseconds the server held that input before this snapshot),
 *          coin count u8, per coin x u16 y u16, player count u8,
 *          per player: id u32 (low 32 bits of the client id), x u16, y u16, score u16, color u8
 * </pre>
 * A client measures its round trip as (now − echo) − held: the time on the wire, without the wait
 * for the next tick. Coordinates are hundredths of an arena unit. A snapshot holds at most {@link #MAX_PLAYERS}
 * players, which keeps it within {@link GameChannels#MAX_SNAPSHOT_BYTES} (and one netcode payload).
 */
public final class GameMessages {

    public static final byte INPUT = 1;
    public static final byte SNAPSHOT = 2;
    public static final int INPUT_BYTES = 10;
    public static final int MAX_PLAYERS = 100;
    private static final int NOBODY = 255;

    private GameMessages() {
    }

    public static byte[] input(Direction direction, long echo) {
        return ByteBuffer.allocate(INPUT_BYTES).order(ByteOrder.LITTLE_ENDIAN).put(INPUT).put((byte) direction.code())
                .putLong(echo).array();
    }

    /** A decoded input, or {@code null} if the payload is not one. */
    public static Input readInput(ByteBuffer payload) {
        ByteBuffer in = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() != INPUT_BYTES || in.get() != INPUT) {
            return null;
        }
        return new Input(Direction.of(in.get() & 0xFF), in.getLong());
    }

    /** The snapshot {@code world} as {@code recipient} receives it, with no hold time. */
    public static byte[] snapshot(Arena.World world, long recipient) {
        return snapshot(world, recipient, 0);
    }

    /**
     * The snapshot {@code world} as {@code recipient} receives it.
     *
     * @param heldMicros how long ago the server received the recipient's latest input
     */
    public static byte[] snapshot(Arena.World world, long recipient, long heldMicros) {
        List<Arena.PlayerView> players = world.players().subList(0, Math.min(MAX_PLAYERS, world.players().size()));
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + 1 + 8 + 4 + 1 + 4 * world.coins().size() + 1 + 11 * players.size())
                .order(ByteOrder.LITTLE_ENDIAN);
        int you = NOBODY;
        long echo = 0;
        for (int i = 0; i < players.size(); i++) {
            if (players.get(i).clientId() == recipient) {
                you = i;
                echo = players.get(i).echo();
            }
        }
        out.put(SNAPSHOT).putInt((int) world.tick()).put((byte) you).putLong(echo)
                .putInt((int) Math.min(0xFFFFFFFFL, Math.max(0, heldMicros))).put((byte) world.coins().size());
        for (Arena.Coin coin : world.coins()) {
            out.putShort(fixed(coin.x())).putShort(fixed(coin.y()));
        }
        out.put((byte) players.size());
        for (Arena.PlayerView p : players) {
            out.putInt((int) p.clientId()).putShort(fixed(p.x())).putShort(fixed(p.y())).putShort((short) p.score())
                    .put((byte) p.color());
        }
        return out.array();
    }

    /** A decoded snapshot, or {@code null} if the payload is not one. */
    public static Snapshot readSnapshot(byte[] buf, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(buf, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (in.get() != SNAPSHOT) {
                return null;
            }
            long tick = in.getInt() & 0xFFFFFFFFL;
            int you = in.get() & 0xFF;
            long echo = in.getLong();
            long heldMicros = in.getInt() & 0xFFFFFFFFL;
            int coinCount = in.get() & 0xFF;
            List<Arena.Coin> coins = new ArrayList<>(coinCount);
            for (int i = 0; i < coinCount; i++) {
                coins.add(new Arena.Coin(unfixed(in.getShort()), unfixed(in.getShort())));
            }
            int playerCount = in.get() & 0xFF;
            List<SnapshotPlayer> players = new ArrayList<>(playerCount);
            for (int i = 0; i < playerCount; i++) {
                players.add(new SnapshotPlayer(in.getInt() & 0xFFFFFFFFL, unfixed(in.getShort()), unfixed(in.getShort()),
                        in.getShort() & 0xFFFF, in.get() & 0xFF));
            }
            return new Snapshot(tick, you == NOBODY ? -1 : you, echo, heldMicros, coins, players);
        }
        catch (java.nio.BufferUnderflowException ex) {
            return null;
        }
    }

    private static short fixed(double value) {
        return (short) Math.round(value * 100);
    }

    private static double unfixed(short value) {
        return (value & 0xFFFF) / 100.0;
    }

    public record Input(Direction direction, long echo) {
    }

    /**
     * @param you index of the recipient in {@code players}, or -1
     * @param heldMicros how long the server held the echoed input before sending this snapshot
     */
    public record Snapshot(long tick, int you, long echo, long heldMicros, List<Arena.Coin> coins,
            List<SnapshotPlayer> players) {
    }

    /** @param id the low 32 bits of the client id */
    public record SnapshotPlayer(long id, double x, double y, int score, int color) {
    }
}
