package dev.tributary.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the test servers outside of JUnit, for scripts and for working by hand.
 *
 * <pre>
 * ServersCli up clickhouse kafka ...   start them, print their addresses as environment variables
 *                                      (the ones the test kit reuses), run until standard input
 *                                      closes or the process is stopped, then stop them
 * ServersCli smoke                     start ClickHouse and Kafka, print their addresses, run one SQL
 *                                      round trip, stop them
 * </pre>
 * Server names: {@code clickhouse}, {@code kafka}, {@code kafka-secured}, {@code kinesis},
 * {@code dynamodb}, {@code schema-registry}, {@code zookeeper}, {@code clickhouse-zk} (a ClickHouse
 * that keeps {@code ReplicatedMergeTree} tables, with the {@code zookeeper} of the list, started
 * before it if the list has none).
 */
public final class ServersCli {

    private static final String NAMES = "clickhouse, kafka, kafka-secured, kinesis, dynamodb, schema-registry, zookeeper, clickhouse-zk";

    private ServersCli() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !(args[0].equals("up") || args[0].equals("smoke"))) {
            System.err.println("usage: ServersCli up <" + NAMES.replace(", ", "|") + ">... | ServersCli smoke");
            System.exit(2);
        }
        TestkitPaths paths = TestkitPaths.fromEnvironment();
        List<String> names = args[0].equals("smoke") ? List.of("clickhouse", "kafka") : List.of(args).subList(1, args.length);
        Map<String, LocalServer> servers = new LinkedHashMap<>();
        try {
            for (String name : names) {
                if (servers.containsKey(name)) {
                    continue; // named twice, or the zookeeper a clickhouse-zk before it started
                }
                if (name.equals("clickhouse-zk") && !servers.containsKey("zookeeper")) {
                    ZooKeeperServer zooKeeper = ZooKeeperServer.start(paths);
                    servers.put("zookeeper", zooKeeper);
                    for (String line : describe(zooKeeper)) {
                        System.out.println(line);
                    }
                }
                LocalServer server = name.equals("clickhouse-zk")
                        ? ClickHouseServer.start(paths, (ZooKeeperServer) servers.get("zookeeper"))
                        : start(name, paths);
                servers.put(name, server);
                for (String line : describe(server)) {
                    System.out.println(line);
                }
                System.out.flush();
            }
            if (args[0].equals("smoke")) {
                smoke((ClickHouseServer) servers.get("clickhouse"), (KafkaBroker) servers.get("kafka"));
            } else {
                System.out.println("READY (close standard input or stop this process to stop the servers)");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // run until standard input closes
                }
            }
        } finally {
            List<LocalServer> reverse = new ArrayList<>(servers.values());
            java.util.Collections.reverse(reverse);
            for (LocalServer server : reverse) {
                server.close();
                System.out.println("stopped " + server.name());
            }
        }
    }

    private static LocalServer start(String name, TestkitPaths paths) {
        return switch (name) {
            case "clickhouse" -> ClickHouseServer.start(paths);
            case "kafka" -> KafkaBroker.start(paths);
            case "kafka-secured" -> SecuredKafkaBroker.start(paths);
            case "kinesis" -> KinesisMock.start(paths);
            case "dynamodb" -> Dynalite.start(paths);
            case "schema-registry" -> SchemaRegistry.start(paths);
            case "zookeeper" -> ZooKeeperServer.start(paths);
            default -> throw new IllegalArgumentException("unknown server '" + name + "'; one of " + NAMES);
        };
    }

    private static List<String> describe(LocalServer server) {
        if (server instanceof ClickHouseServer clickhouse) {
            return List.of((clickhouse.hasZooKeeper() ? ClickHouseServer.REUSE_WITH_ZOOKEEPER_ENV : ClickHouseServer.REUSE_ENV)
                    + "=" + clickhouse.httpUrl());
        } else if (server instanceof ZooKeeperServer zooKeeper) {
            return List.of(ZooKeeperServer.REUSE_ENV + "=" + zooKeeper.connectString());
        } else if (server instanceof KafkaBroker kafka) {
            return List.of(KafkaBroker.REUSE_ENV + "=" + kafka.bootstrapServers());
        } else if (server instanceof SecuredKafkaBroker secured) {
            return List.of(SecuredKafkaBroker.REUSE_ENV + "=" + secured.dir().resolve("secured-kafka.properties"));
        } else if (server instanceof KinesisMock kinesis) {
            return List.of(KinesisMock.REUSE_ENV + "=" + kinesis.endpoint());
        } else if (server instanceof Dynalite dynamodb) {
            return List.of(Dynalite.REUSE_ENV + "=" + dynamodb.endpoint());
        } else if (server instanceof SchemaRegistry registry) {
            return List.of(SchemaRegistry.REUSE_ENV + "=" + registry.url());
        }
        return List.of(server.toString());
    }

    private static void smoke(ClickHouseServer clickhouse, KafkaBroker kafka) {
        ClickHouseSql sql = clickhouse.sql();
        System.out.println("ClickHouse " + sql.version() + " at " + clickhouse.httpUrl() + " (pid " + clickhouse.pid() + ")");
        System.out.println("Kafka " + KafkaProcess.KAFKA_VERSION + " at " + kafka.bootstrapServers() + " (pid " + kafka.pid() + ")");
        sql.execute("CREATE TABLE demo (id UInt32, message String) ENGINE = MergeTree ORDER BY id");
        sql.execute("INSERT INTO demo VALUES (1, 'hello'), (2, 'ClickHouse')");
        List<List<String>> rows = sql.rows("SELECT id, message FROM demo ORDER BY id");
        System.out.println("SQL round trip: " + rows);
        if (rows.size() != 2 || !rows.get(1).get(1).equals("ClickHouse")) {
            throw new IllegalStateException("unexpected rows: " + rows);
        }
        if (!Loopback.isListening(Integer.parseInt(kafka.bootstrapServers().split(":")[1]))) {
            throw new IllegalStateException("Kafka does not accept connections at " + kafka.bootstrapServers());
        }
    }
}
