package dev.tributary.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Node.js executable that runs the npm-installed test servers and tools. */
final class NodeJs {

    private NodeJs() {
    }

    /** {@code /usr/bin/node} or {@code /usr/local/bin/node} if there, else {@code node} from the PATH. */
    static String executable() {
        for (String candidate : List.of("/usr/bin/node", "/usr/local/bin/node")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "node";
    }
}
