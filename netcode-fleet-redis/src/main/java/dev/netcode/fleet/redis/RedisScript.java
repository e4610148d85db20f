package dev.netcode.fleet.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script of the directory: its source and the SHA-1 Redis caches it under.
 *
 * @param name the file name, for messages
 * @param source the Lua source
 * @param sha1 the lower-case hex SHA-1 of {@code source}, as {@code EVALSHA} wants it
 */
public record RedisScript(String name, String source, String sha1) {

    /** Loads {@code name} from this package's resources. */
    /** A script of {@code source}, its SHA-1 computed: for an executor that must run a variant of one. */
    public static RedisScript of(String name, String source) {
        return new RedisScript(name, source, sha1(source));
    }

    static RedisScript load(String name) {
        String source = resource(name);
        return new RedisScript(name, source, sha1(source));
    }

    /**
     * Loads {@code name} from this package's resources after {@code library}, the definitions it
     * uses (Lua scripts sent with EVAL cannot include one another).
     */
    static RedisScript load(String library, String name) {
        String source = resource(library) + "\n" + resource(name);
        return new RedisScript(name, source, sha1(source));
    }

    private static String resource(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", ex);
        }
    }
}
