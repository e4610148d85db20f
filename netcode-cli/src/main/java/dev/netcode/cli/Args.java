package dev.netcode.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;

/**
 * The shared argument parser: {@code --flag value} or {@code --flag=value} pairs and value-less
 * switches ({@code --flag}), nothing positional. Every flag a command accepts is declared up front, once-only or repeatable; anything
 * else is a {@link UsageException}, as is every value that does not parse. Error messages name the
 * flag and the problem but never echo a key, whichever of its sources it came from.
 */
final class Args {

    /** The environment variable the private key is read from when neither flag gives it. */
    static final String KEY_ENVIRONMENT_VARIABLE = "NETCODE_PRIVATE_KEY";

    /** The flags that give the private key, at most one of them; every command that takes a key accepts all. */
    static final List<String> KEY_FLAGS = List.of("key-file", "key-env", "key");

    /** More than a key line could ever be: a bigger {@code --key-file} is the wrong file. */
    private static final int MAX_KEY_FILE_BYTES = 1024;

    private final Map<String, List<String>> values;

    private Args(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * @param once flags that may appear at most once (names without the leading dashes)
     * @param repeatable flags that may appear any number of times
     */
    static Args parse(String[] argv, Set<String> once, Set<String> repeatable) throws UsageException {
        return parse(argv, once, repeatable, Set.of());
    }

    /**
     * @param once flags that may appear at most once (names without the leading dashes)
     * @param repeatable flags that may appear any number of times
     * @param switches flags without a value, at most once each; {@link #has} says whether one was given
     */
    static Args parse(String[] argv, Set<String> once, Set<String> repeatable, Set<String> switches)
            throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                if (values.putIfAbsent(name, List.of()) != null) {
                    throw new UsageException("--" + name + " given more than once");
                }
                continue;
            }
            if (!once.contains(name) && !repeatable.contains(name)) {
                throw new UsageException("unknown flag --" + name);
            }
            if (value == null) {
                if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
                    throw new UsageException("missing value for --" + name);
                }
                value = argv[++i];
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && once.contains(name)) {
                throw new UsageException("--" + name + " given more than once");
            }
            list.add(value);
        }
        return new Args(values);
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    String required(String flag) throws UsageException {
        List<String> list = values.get(flag);
        if (list == null) {
            throw new UsageException("missing required flag --" + flag);
        }
        return list.get(0);
    }

    /** The value, or {@code null} when the flag is absent. */
    String optional(String flag) {
        List<String> list = values.get(flag);
        return list == null ? null : list.get(0);
    }

    /** Every value of a repeatable flag, in order; empty when absent. */
    List<String> all(String flag) {
        return values.getOrDefault(flag, List.of());
    }

    // ---- typed values ---------------------------------------------------------------------------

    /**
     * The 32-byte private key, as 64 hex digits from exactly one source: {@code --key-file FILE}
     * (surrounding whitespace ignored), {@code --key-env NAME} (the environment variable NAME),
     * {@code --key K} (which every local user sees in the process list), or, when no flag gives it,
     * the environment variable {@value #KEY_ENVIRONMENT_VARIABLE}. No message ever contains the key
     * or the file's contents.
     */
    byte[] privateKey(Map<String, String> environment) throws UsageException {
        List<String> given = KEY_FLAGS.stream().filter(this::has).toList();
        if (given.size() > 1) {
            throw new UsageException("give the key once: --key-file FILE, --key-env NAME or --key K, not "
                    + String.join(" and ", given.stream().map(flag -> "--" + flag).toList()));
        }
        if (has("key-file")) {
            return readKeyFile(optional("key-file"));
        }
        if (has("key")) {
            return parseKey("--key", optional("key"));
        }
        String variable = has("key-env") ? optional("key-env") : KEY_ENVIRONMENT_VARIABLE;
        String fromEnvironment = environment.get(variable);
        if (fromEnvironment == null) {
            throw new UsageException(has("key-env") ? "--key-env " + variable + ": the environment variable " + variable
                    + " is not set"
                    : "missing the private key: give --key-file FILE, set " + KEY_ENVIRONMENT_VARIABLE
                            + " (or the variable --key-env NAME names), or give --key K (visible to other users in"
                            + " the process list)");
        }
        return parseKey("$" + variable, fromEnvironment);
    }

    private static byte[] readKeyFile(String file) throws UsageException {
        // A path of 64 hex digits is most likely the key itself given by mistake: never repeat it.
        String source = "--key-file " + (file.trim().length() == 2 * NetcodeProtocol.KEY_BYTES && isHex(file.trim())
                ? "(a path of 64 hex digits, not shown: is it the key itself?)" : file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
        }
        catch (NoSuchFileException ex) {
            throw new UsageException("cannot read " + source + ": no such file");
        }
        catch (AccessDeniedException ex) {
            throw new UsageException("cannot read " + source + ": permission denied");
        }
        catch (IOException | InvalidPathException ex) {
            throw new UsageException("cannot read " + source + ": " + ex.getClass().getSimpleName());
        }
        if (bytes.length > MAX_KEY_FILE_BYTES) {
            throw new UsageException(source + " is not a key file (more than " + MAX_KEY_FILE_BYTES + " bytes)");
        }
        return parseKey(source, new String(bytes, StandardCharsets.US_ASCII));
    }

    /** 64 hex digits; {@code source} names where they came from in the messages, which never contain them. */
    private static byte[] parseKey(String source, String raw) throws UsageException {
        String text = raw.trim();
        if (text.length() != 2 * NetcodeProtocol.KEY_BYTES) {
            throw new UsageException(source + " must be " + 2 * NetcodeProtocol.KEY_BYTES
                    + " hex digits (a 32-byte key), got " + text.length() + " characters");
        }
        if (!isHex(text)) {
            throw new UsageException(source + " must be hex digits only (0-9, a-f)");
        }
        return Bytes.fromHex(text);
    }

    /**
     * The usage lines of the key flags, flag names padded to {@code width} columns.
     *
     * @param what whose key it is, e.g. "the private key shared with the servers"
     */
    static String keyUsage(String what, int width) {
        String format = "  %-" + width + "s%s";
        return String.join("\n",
                format.formatted("--key-file FILE", "file holding " + what + " (64 hex digits)"),
                format.formatted("--key-env NAME", "the environment variable NAME holds it"),
                format.formatted("--key K", "the key itself, which other users can see in the process list"),
                format.formatted("", "none of them: the environment variable " + KEY_ENVIRONMENT_VARIABLE + " holds it"));
    }

    /** A protocol id: up to 16 hex digits, with or without {@code 0x}; unsigned 64-bit. */
    long protocolId(String flag) throws UsageException {
        String text = required(flag).trim();
        String digits = stripHexPrefix(text);
        if (digits.isEmpty() || digits.length() > 16 || !isHex(digits)) {
            throw new UsageException("--" + flag + " must be a hex number of at most 16 digits (optional 0x), got '"
                    + text + "'");
        }
        return Long.parseUnsignedLong(digits, 16);
    }

    /** An unsigned 64-bit number: decimal, or hex with {@code 0x}. */
    long unsignedLong(String flag) throws UsageException {
        String text = required(flag).trim();
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                String digits = text.substring(2);
                if (digits.isEmpty() || digits.length() > 16 || !isHex(digits)) {
                    throw new NumberFormatException();
                }
                return Long.parseUnsignedLong(digits, 16);
            }
            if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(text);
        }
        catch (NumberFormatException ex) {
            throw new UsageException("--" + flag + " must be an unsigned 64-bit number (decimal, or hex with 0x), got '"
                    + text + "'");
        }
    }

    /** A decimal int in {@code [min, max]}. */
    int intIn(String flag, int min, int max) throws UsageException {
        return parseInt(flag, required(flag), min, max);
    }

    /** A decimal int in {@code [min, max]}, or {@code fallback} when the flag is absent. */
    int intIn(String flag, int min, int max, int fallback) throws UsageException {
        String text = optional(flag);
        return text == null ? fallback : parseInt(flag, text, min, max);
    }

    private static int parseInt(String flag, String raw, int min, int max) throws UsageException {
        String text = raw.trim();
        long value;
        try {
            if (!text.matches("-?[0-9]{1,10}")) {
                throw new NumberFormatException();
            }
            value = Long.parseLong(text);
        }
        catch (NumberFormatException ex) {
            throw new UsageException("--" + flag + " must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new UsageException("--" + flag + " must be between " + min + " and " + max + ", got " + value);
        }
        return (int) value;
    }

    /** Hex bytes (optional 0x), at most {@code maxBytes}; {@code null} when the flag is absent. */
    byte[] optionalHex(String flag, int maxBytes) throws UsageException {
        String text = optional(flag);
        if (text == null) {
            return null;
        }
        String digits = stripHexPrefix(text.trim());
        if (!isHex(digits) || digits.length() % 2 != 0) {
            throw new UsageException("--" + flag + " must be an even number of hex digits (optional 0x)");
        }
        byte[] bytes = Bytes.fromHex(digits);
        if (bytes.length > maxBytes) {
            throw new UsageException("--" + flag + " is at most " + maxBytes + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    NetcodeAddress address(String flag) throws UsageException {
        return parseAddress(flag, required(flag));
    }

    /** The address, or {@code null} when the flag is absent. */
    NetcodeAddress optionalAddress(String flag) throws UsageException {
        String text = optional(flag);
        return text == null ? null : parseAddress(flag, text);
    }

    List<NetcodeAddress> addresses(String flag) throws UsageException {
        List<NetcodeAddress> out = new ArrayList<>();
        for (String text : all(flag)) {
            out.add(parseAddress(flag, text));
        }
        return out;
    }

    /** {@code a.b.c.d:port} or {@code [v6]:port}; the port is required (0 is allowed here). */
    static NetcodeAddress parseAddress(String flag, String raw) throws UsageException {
        String text = raw.trim();
        boolean hasPort = text.startsWith("[") ? text.matches("\\[[^\\]]*\\]:[0-9]+") : text.matches("[^:]+:[0-9]+");
        if (!hasPort) {
            throw new UsageException("--" + flag + " must be a.b.c.d:port or [ipv6]:port, got '" + text + "'");
        }
        try {
            return NetcodeAddress.parse(text);
        }
        catch (IllegalArgumentException ex) {
            throw new UsageException("--" + flag + ": " + ex.getMessage());
        }
    }

    private static String stripHexPrefix(String text) {
        return text.toLowerCase(Locale.ROOT).startsWith("0x") ? text.substring(2) : text;
    }

    private static boolean isHex(String text) {
        return text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }
}
