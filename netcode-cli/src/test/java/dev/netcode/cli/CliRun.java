package dev.netcode.cli;

import java.util.List;

/** One in-process run of {@link NetcodeCli#run}: exit code and captured output. */
record CliRun(int exitCode, Lines out, Lines err) {

    static CliRun of(String... args) {
        Lines out = new Lines();
        Lines err = new Lines();
        int code = NetcodeCli.run(args, out.stream(), err.stream());
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
