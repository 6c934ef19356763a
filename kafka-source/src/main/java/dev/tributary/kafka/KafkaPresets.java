package dev.tributary.kafka;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thin presets for managed Kafka services: each returns a {@link KafkaSource.Builder} with the
 * connection and security settings the service expects; continue with topics and group id.
 *
 * <pre>{@code
 * KafkaSource source = KafkaPresets.confluentCloud("pkc-xxxx.us-east-1.aws.confluent.cloud:9092", key, secret)
 *         .topics("orders").groupId("tributary-orders").build();
 * }</pre>
 */
public final class KafkaPresets {

    private static final Pattern EVENT_HUBS_ENDPOINT = Pattern.compile("(?i)Endpoint=sb://([^/;]+)/?");

    private KafkaPresets() {
    }

    /** Confluent Cloud: SASL_SSL with PLAIN, the API key as user and the API secret as password. */
    public static KafkaSource.Builder confluentCloud(String bootstrapServers, String apiKey, String apiSecret) {
        return KafkaSource.builder().bootstrapServers(bootstrapServers).saslPlain(apiKey, apiSecret)
                .property("client.dns.lookup", "use_all_dns_ips")
                .property("session.timeout.ms", "45000");
    }

    /**
     * Azure Event Hubs (its Kafka endpoint, port 9093): SASL_SSL with PLAIN, user
     * {@code $ConnectionString}, the namespace's connection string as password.
     */
    public static KafkaSource.Builder azureEventHubs(String connectionString) {
        if (connectionString == null) {
            throw new IllegalArgumentException("KafkaPresets.azureEventHubs: the connection string is null");
        }
        Matcher endpoint = EVENT_HUBS_ENDPOINT.matcher(connectionString);
        if (!endpoint.find()) {
            // The connection string is a secret: never echo it.
            throw new IllegalArgumentException("KafkaPresets.azureEventHubs: the connection string has no"
                    + " 'Endpoint=sb://<namespace>.servicebus.windows.net/' part");
        }
        return KafkaSource.builder().bootstrapServers(endpoint.group(1) + ":9093")
                .saslPlain("$ConnectionString", connectionString)
                .property("request.timeout.ms", "60000")
                .property("session.timeout.ms", "30000");
    }

    /** AWS MSK with SASL/SCRAM (SCRAM-SHA-512 over TLS, the brokers' port 9096). */
    public static KafkaSource.Builder mskScram(String bootstrapServers, String user, String password) {
        return KafkaSource.builder().bootstrapServers(bootstrapServers).saslScram("SCRAM-SHA-512", user, password);
    }

    /**
     * AWS MSK with IAM access control (the brokers' port 9098), authenticating with the default AWS
     * credentials chain. Needs {@code software.amazon.msk:aws-msk-iam-auth} on the class path.
     */
    public static KafkaSource.Builder mskIam(String bootstrapServers) {
        return mskIam(bootstrapServers, null);
    }

    /** {@link #mskIam(String)} assuming the IAM role {@code roleArn}. */
    public static KafkaSource.Builder mskIam(String bootstrapServers, String roleArn) {
        String handler = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";
        try {
            Class.forName(handler, false, KafkaPresets.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("KafkaPresets.mskIam: add the dependency software.amazon.msk:aws-msk-iam-auth"
                    + " (IAM authentication for MSK); " + handler + " is not on the class path", e);
        }
        String jaas = "software.amazon.msk.auth.iam.IAMLoginModule required"
                + (roleArn == null ? "" : " awsRoleArn=\"" + roleArn + "\"") + ";";
        return KafkaSource.builder().bootstrapServers(bootstrapServers).securityProtocol("SASL_SSL")
                .saslJaas("AWS_MSK_IAM", jaas)
                .property("sasl.client.callback.handler.class", handler);
    }

    /** Redpanda (Cloud or self-hosted) with SASL/SCRAM over TLS; {@code mechanism} SCRAM-SHA-256 or -512. */
    public static KafkaSource.Builder redpanda(String bootstrapServers, String mechanism, String user, String password) {
        return KafkaSource.builder().bootstrapServers(bootstrapServers).saslScram(mechanism, user, password);
    }

    /**
     * WarpStream agents: plaintext inside the VPC, metadata refreshed often (agents come and go),
     * and the availability zone in the client id so that agents in the same zone serve the reads.
     */
    public static KafkaSource.Builder warpStream(String bootstrapServers, String availabilityZone) {
        KafkaSource.Builder builder = KafkaSource.builder().bootstrapServers(bootstrapServers)
                .property("metadata.max.age.ms", "60000");
        if (availabilityZone != null && !availabilityZone.isBlank()) {
            builder.clientId("tributary,ws_az=" + availabilityZone);
        }
        return builder;
    }
}
