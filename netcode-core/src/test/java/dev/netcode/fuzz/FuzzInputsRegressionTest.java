package dev.netcode.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every committed input of every fuzz target (the seeds, and any finding added since) through
 * the target as a plain unit test, without Jazzer: so {@code ./mvnw test} keeps past findings fixed
 * even though the Jazzer targets themselves run only in {@code verify}'s 'fuzz' execution.
 */
class FuzzInputsRegressionTest {

    @TestFactory
    Stream<DynamicTest> everyCommittedInputPasses() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (FuzzSeeds.Target target : FuzzSeeds.all()) {
            Method method = target.testClass().getDeclaredMethod(target.method(), byte[].class);
            method.setAccessible(true);
            Constructor<?> constructor = target.testClass().getDeclaredConstructor();
            constructor.setAccessible(true);
            List<Path> inputs = inputs(target);
            assertThat(inputs).as(target.resourceDirectory()).isNotEmpty();
            for (Path input : inputs) {
                String name = target.testClass().getSimpleName() + " " + input.getFileName();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    try {
                        method.invoke(constructor.newInstance(), (Object) Files.readAllBytes(input));
                    }
                    catch (InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static List<Path> inputs(FuzzSeeds.Target target) throws IOException, URISyntaxException {
        URL directory = FuzzInputsRegressionTest.class.getResource("/" + target.resourceDirectory());
        if (directory == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(Path.of(directory.toURI()))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
