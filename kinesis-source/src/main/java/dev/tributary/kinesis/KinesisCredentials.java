package dev.tributary.kinesis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KinesisSource} authenticates to AWS. Secrets given here never appear in
 * {@code toString()}, logs or exceptions.
 *
 * <ul>
 *   <li>{@link #defaultChain()} — the AWS SDK's default chain: environment variables, system
 *       properties, web identity token, the shared config and credentials files, container and
 *       instance credentials;</li>
 *   <li>{@link #staticKeys} — an access key id and secret (and a session token for temporary ones);</li>
 *   <li>{@link #profile} — a named profile of the shared credentials/config files;</li>
 *   <li>{@link #assumeRole} — an IAM role assumed through STS with other credentials, refreshed
 *       before it expires (cross-account access, ClickPipes-style role access).</li>
 * </ul>
 */
public sealed interface KinesisCredentials {

    /** The AWS SDK's default credentials chain. */
    static KinesisCredentials defaultChain() {
        return new DefaultChain();
    }

    /** Long-lived keys of an IAM user. */
    static KinesisCredentials staticKeys(String accessKeyId, String secretAccessKey) {
        return new StaticKeys(accessKeyId, secretAccessKey, null);
    }

    /** Temporary keys with their session token. */
    static KinesisCredentials staticKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new StaticKeys(accessKeyId, secretAccessKey, sessionToken);
    }

    /** A profile of the default shared files ({@code ~/.aws/credentials}, {@code ~/.aws/config}). */
    static KinesisCredentials profile(String name) {
        return new Profile(name, null);
    }

    /** A profile of the given credentials file (same format as {@code ~/.aws/credentials}). */
    static KinesisCredentials profile(String name, Path credentialsFile) {
        return new Profile(name, Objects.requireNonNull(credentialsFile, "credentialsFile"));
    }

    /**
     * The role {@code roleArn}, assumed through STS with {@code base} credentials; see
     * {@link AssumeRole#externalId}, {@link AssumeRole#stsEndpoint} and {@link AssumeRole#duration}.
     */
    static AssumeRole assumeRole(String roleArn, String sessionName, KinesisCredentials base) {
        return new AssumeRole(roleArn, sessionName, base, null, null, Duration.ofHours(1));
    }

    /** The default chain. */
    record DefaultChain() implements KinesisCredentials {
        @Override
        public String toString() {
            return "defaultChain";
        }
    }

    /** Keys given in code; the secret and the token are never printed. */
    record StaticKeys(String accessKeyId, String secretAccessKey, String sessionToken) implements KinesisCredentials {
        @Override
        public String toString() {
            return "staticKeys(accessKeyId=" + accessKeyId + ", secretAccessKey=****"
                    + (sessionToken == null ? "" : ", sessionToken=****") + ")";
        }
    }

    /** A named profile, of the default files or of {@code credentialsFile}. */
    record Profile(String name, Path credentialsFile) implements KinesisCredentials {
        @Override
        public String toString() {
            return "profile(" + name + (credentialsFile == null ? "" : ", " + credentialsFile) + ")";
        }
    }

    /**
     * A role assumed through STS.
     *
     * @param externalId  the external id the role's trust policy asks for, or null
     * @param stsEndpoint an STS endpoint to use instead of the region's, or null
     * @param duration    how long each set of temporary credentials lasts (15 min to 12 h)
     */
    record AssumeRole(String roleArn, String sessionName, KinesisCredentials base, String externalId, URI stsEndpoint,
                      Duration duration) implements KinesisCredentials {

        /** The same role, with the external id its trust policy requires. */
        public AssumeRole externalId(String externalId) {
            return new AssumeRole(roleArn, sessionName, base, externalId, stsEndpoint, duration);
        }

        /** The same role, assumed through this STS endpoint (e.g. a VPC endpoint). */
        public AssumeRole stsEndpoint(URI stsEndpoint) {
            return new AssumeRole(roleArn, sessionName, base, externalId, stsEndpoint, duration);
        }

        /** The same role, with temporary credentials lasting {@code duration}. */
        public AssumeRole duration(Duration duration) {
            return new AssumeRole(roleArn, sessionName, base, externalId, stsEndpoint, duration);
        }

        @Override
        public String toString() {
            // The external id is a shared secret of sorts: not printed.
            return "assumeRole(" + roleArn + ", session=" + sessionName + ", base=" + base
                    + (externalId == null ? "" : ", externalId=****")
                    + (stsEndpoint == null ? "" : ", stsEndpoint=" + stsEndpoint) + ", duration=" + duration + ")";
        }
    }
}
