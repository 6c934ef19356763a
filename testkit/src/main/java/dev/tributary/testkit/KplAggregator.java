package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates user records into Kinesis records as the Kinesis Producer Library (KPL) does, with the
 * npm {@code aws-kinesis-agg} aggregator (pinned by {@code scripts/deps/kpl-aggregator/package-lock.json})
 * run under Node.js: test data made by an implementation other than the one under test.
 */
public final class KplAggregator {

    /** Reads the groups from standard input, one aggregated record per group, and prints them. */
    private static final String SCRIPT = String.join("\n",
            "const agg = require(process.argv[1]);",
            "let input = '';",
            "process.stdin.setEncoding('utf8');",
            "process.stdin.on('data', chunk => input += chunk);",
            "process.stdin.on('end', () => {",
            "  const groups = new Map();",
            "  for (const line of input.split('\\n').filter(l => l.length > 0)) {",
            "    const [group, partitionKey, explicitHashKey, data] = line.split('\\t');",
            "    if (!groups.has(group)) groups.set(group, new agg.RecordAggregator());",
            "    const record = { partitionKey, data: Buffer.from(data, 'base64') };",
            "    if (explicitHashKey) record.explicitHashKey = explicitHashKey;",
            "    groups.get(group).addUserRecord(record);",
            "  }",
            "  for (const aggregator of groups.values()) {",
            "    const encoded = aggregator.build();",
            "    process.stdout.write([encoded.partitionKey, encoded.ExplicitHashKey || '',",
            "      Buffer.from(encoded.data).toString('base64')].join('\\t') + '\\n');",
            "  }",
            "});");

    /** A record a producer adds: partition key, explicit hash key (or null), data. */
    public record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {
    }

    /** An aggregated Kinesis record, to put with its partition key (and explicit hash key, if not null). */
    public record AggregatedRecord(String partitionKey, String explicitHashKey, byte[] data) {
    }

    private final Path module;

    private KplAggregator(Path module) {
        this.module = module;
    }

    /** The aggregator {@code scripts/setup.sh} installed. */
    public static KplAggregator installed(TestkitPaths paths) {
        return new KplAggregator(paths.requireInstalled("kpl-aggregator/node_modules/aws-kinesis-agg",
                "the KPL aggregator (npm aws-kinesis-agg)"));
    }

    /** One aggregated record per group, in order. Partition keys must not hold tabs or line breaks. */
    public List<AggregatedRecord> aggregate(List<List<UserRecord>> groups) {
        Path errors = null;
        try {
            // Standard error to a file: read after the output, a pipe could fill and stall the child.
            errors = Files.createTempFile("aws-kinesis-agg", ".err");
            Process process = new ProcessBuilder(NodeJs.executable(), "-e", SCRIPT, module.toString())
                    .redirectError(errors.toFile()).start();
            try (Writer in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
                for (int g = 0; g < groups.size(); g++) {
                    for (UserRecord user : groups.get(g)) {
                        in.write(g + "\t" + user.partitionKey() + "\t" + (user.explicitHashKey() == null ? "" : user.explicitHashKey())
                                + "\t" + Base64.getEncoder().encodeToString(user.data()) + "\n");
                    }
                }
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("aws-kinesis-agg failed: " + Files.readString(errors));
            }
            List<AggregatedRecord> records = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isEmpty()) {
                    String[] fields = line.split("\t", -1);
                    records.add(new AggregatedRecord(fields[0], fields[1].isEmpty() ? null : fields[1],
                            Base64.getDecoder().decode(fields[2])));
                }
            }
            if (records.size() != groups.size()) {
                throw new IllegalStateException("aws-kinesis-agg made " + records.size() + " records of " + groups.size()
                        + " groups: " + out + Files.readString(errors));
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run aws-kinesis-agg under " + NodeJs.executable(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running aws-kinesis-agg", e);
        } finally {
            if (errors != null) {
                errors.toFile().delete();
            }
        }
    }
}
