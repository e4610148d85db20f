package dev.netcode.cli;

import java.util.List;
import java.util.Map;

/** One in-process run of {@link NetcodeCli#run}: exit code and captured output. */
record CliRun(int exitCode, Lines out, Lines err) {

    /** A run with an empty environment, whatever the JVM running the tests has. */
    static CliRun of(String... args) {
        return withEnvironment(Map.of(), args);
    }

    static CliRun withEnvironment(Map<String, String> environment, String... args) {
        Lines out = new Lines();
        Lines err = new Lines();
        int code = NetcodeCli.run(args, out.stream(), err.stream(), environment);
        return new CliRun(code, out, err);
    }

    List<String> outLines() {
        return out.lines();
    }

    String outText() {
        return out.text();
    }

    String errText() {
        return err.text();
    }
}
