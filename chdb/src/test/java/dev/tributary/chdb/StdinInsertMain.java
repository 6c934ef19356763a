package dev.tributary.chdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link ChDbStdinIT} in a child JVM whose stdin holds data: opens an engine on {@code args[0]}, inserts
 * the RowBinary rows 1, 2, 3 (UInt32) through {@link ChDbTransport} into a table with async_insert 0 and into
 * one with async_insert 1 (and a table with a DEFAULT column), and prints each table's rows, or the error.
 */
public final class StdinInsertMain {

    private StdinInsertMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ChDbTransport chdb = ChDbTarget.builder().dataPath(Path.of(args[0])).build().open()) {
            byte[] rows = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
            for (String async : List.of("0", "1")) {
                String table = "stdin_async_" + async;
                chdb.execute("CREATE TABLE " + table + " (id UInt32, note String DEFAULT 'dflt')"
                        + " ENGINE = MergeTree ORDER BY id");
                String outcome;
                try {
                    chdb.insert("`" + table + "`", List.of("`id`"), rows, 0, rows.length, "RowBinary", "q-" + async,
                            Map.of("async_insert", async, "wait_for_async_insert", "1"));
                    outcome = "ok";
                } catch (Exception e) {
                    outcome = "error " + e.getMessage().replace('\n', ' ');
                }
                String stored = new String(chdb.query("SELECT groupArray(id), groupArray(note) FROM (SELECT * FROM "
                        + table + " ORDER BY id) FORMAT TabSeparated"), StandardCharsets.UTF_8).trim();
                System.out.println("async_insert=" + async + " " + outcome + " rows=" + stored);
            }
        }
    }
}
