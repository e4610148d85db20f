package dev.netcode.boot.starter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's "Use the starter" shows the files of src/it/quickstart, which the invoker build compiles
 * and tests against this starter: each code block marked {@code <!-- snippet: quickstart/PATH -->} must
 * equal that file (trailing spaces and blank edges aside), so the README cannot drift from what runs.
 */
class QuickstartSnippetTests {

    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- snippet: (\\S+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

    private static final Path PROJECTS = Path.of("src/it");

    @Test
    void everyMarkedSnippetEqualsItsFile() throws IOException {
        Map<String, String> snippets = snippets();
        assertThat(snippets.keySet()).contains("quickstart/pom.xml", "quickstart/src/main/resources/application.yml",
                "quickstart/src/main/resources/application-production.yml",
                "quickstart/src/main/java/com/example/game/Game.java",
                "quickstart/src/main/java/com/example/game/DevelopmentUsers.java");
        snippets.forEach((path, snippet) -> {
            Path file = PROJECTS.resolve(path);
            assertThat(file).as("the file README.md shows as " + path).isRegularFile();
            assertThat(normalised(snippet)).as("README.md's " + path).isEqualTo(normalised(read(file)));
        });
    }

    @Test
    void theQuickstartPomNamesTheBootParentAndTheStarterVersionsOfThisBuild() {
        String pom = read(PROJECTS.resolve("quickstart/pom.xml"));
        assertThat(pom).contains("<artifactId>spring-boot-starter-parent</artifactId>\n    <version>"
                + System.getProperty("spring-boot.version") + "</version>");
        assertThat(pom).contains("<artifactId>netcode-spring-boot-starter</artifactId>\n      <version>"
                + System.getProperty("netcode.version") + "</version>");
    }

    private static Map<String, String> snippets() throws IOException {
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher matcher = SNIPPET.matcher(Files.readString(Path.of(System.getProperty("netcode.readme"))));
        while (matcher.find()) {
            assertThat(snippets.put(matcher.group(1), matcher.group(2))).as("second snippet of " + matcher.group(1))
                    .isNull();
        }
        return snippets;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String normalised(String text) {
        return text.replaceAll("[ \\t]+(?=\\n|$)", "").strip();
    }
}
