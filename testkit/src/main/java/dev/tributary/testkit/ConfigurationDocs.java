package dev.tributary.testkit;

import org.junit.jupiter.api.Assertions;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The guard that keeps {@code docs/configuration.md} complete: every builder setting of every module has a
 * key there, or is named as code-only by the test that calls it.
 */
public final class ConfigurationDocs {

    private ConfigurationDocs() {
    }

    /**
     * Every public setter of {@code builder} (a method returning a builder) but those in {@code codeOnly} is a
     * builder call named in docs/configuration.md (read from a module's directory): a builder setting added
     * without a key fails here.
     */
    public static void assertEverySetterIsDocumented(Class<?> builder, Set<String> codeOnly) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        Set<String> missing = new TreeSet<>();
        for (Method method : builder.getMethods()) {
            boolean setter = method.getDeclaringClass() != Object.class && !method.getName().startsWith("build")
                    && method.getReturnType().getSimpleName().endsWith("Builder");
            if (setter && !codeOnly.contains(method.getName())
                    && !Pattern.compile("[`.]" + method.getName() + "[`(]").matcher(doc).find()) {
                missing.add(method.getName());
            }
        }
        Assertions.assertEquals(Set.of(), missing, builder.getName() + ": builder settings without a key in docs/configuration.md");
    }
}
