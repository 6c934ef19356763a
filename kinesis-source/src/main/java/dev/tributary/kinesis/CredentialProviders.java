package dev.tributary.kinesis;

import dev.tributary.core.internal.Checks;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.util.List;
import java.util.regex.Pattern;

/** Turns {@link KinesisCredentials} into SDK providers, and checks them for the builder. */
final class CredentialProviders {

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    private CredentialProviders() {
    }

    /**
     * A provider for these credentials. Providers that hold clients (STS) add them to
     * {@code toClose}; {@code http} is shared and closed by the caller.
     */
    static AwsCredentialsProvider create(KinesisCredentials credentials, Region region, SdkHttpClient http,
                                         List<AutoCloseable> toClose) {
        if (credentials instanceof KinesisCredentials.StaticKeys keys) {
            return StaticCredentialsProvider.create(keys.sessionToken() == null
                    ? AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())
                    : AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken()));
        }
        if (credentials instanceof KinesisCredentials.Profile profile) {
            ProfileCredentialsProvider.Builder builder = ProfileCredentialsProvider.builder().profileName(profile.name());
            if (profile.credentialsFile() != null) {
                builder.profileFile(ProfileFile.builder().content(profile.credentialsFile())
                        .type(ProfileFile.Type.CREDENTIALS).build());
            }
            ProfileCredentialsProvider provider = builder.build();
            toClose.add(provider);
            return provider;
        }
        if (credentials instanceof KinesisCredentials.AssumeRole role) {
            StsClientBuilder sts = StsClient.builder()
                    .region(region)
                    .httpClient(http)
                    .credentialsProvider(create(role.base(), region, http, toClose));
            if (role.stsEndpoint() != null) {
                sts.endpointOverride(role.stsEndpoint());
            }
            StsClient client = sts.build();
            toClose.add(client);
            StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(client)
                    .refreshRequest(request -> request.roleArn(role.roleArn()).roleSessionName(role.sessionName())
                            .externalId(role.externalId()).durationSeconds((int) role.duration().toSeconds()))
                    .build();
            toClose.add(provider);
            return provider;
        }
        DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build();
        toClose.add(provider);
        return provider;
    }

    /** Checks credentials for {@code build()}; the message names the wrong part and never echoes a secret. */
    static void validate(KinesisCredentials credentials) {
        if (credentials == null) {
            throw new IllegalArgumentException("KinesisSource: credentials are null; call credentials(KinesisCredentials.defaultChain())"
                    + " or leave them unset for the default chain");
        }
        if (credentials instanceof KinesisCredentials.StaticKeys keys) {
            if (keys.accessKeyId() == null || keys.accessKeyId().isBlank()) {
                throw new IllegalArgumentException("KinesisSource: credentials staticKeys has no access key id;"
                        + " pass the key id (e.g. AKIA...) first");
            }
            if (keys.secretAccessKey() == null || keys.secretAccessKey().isEmpty()) {
                throw new IllegalArgumentException("KinesisSource: credentials staticKeys for access key id "
                        + keys.accessKeyId() + " has no secret access key");
            }
            if (keys.sessionToken() != null && keys.sessionToken().isEmpty()) {
                throw new IllegalArgumentException("KinesisSource: credentials staticKeys session token is empty;"
                        + " use staticKeys(id, secret) for keys without a session");
            }
        } else if (credentials instanceof KinesisCredentials.Profile profile) {
            if (profile.name() == null || profile.name().isBlank()) {
                throw new IllegalArgumentException("KinesisSource: credentials profile has no name; use e.g."
                        + " KinesisCredentials.profile(\"default\")");
            }
            if (profile.credentialsFile() != null) {
                Checks.requireReadable("KinesisSource", profile.credentialsFile(), "credentials profile");
            }
        } else if (credentials instanceof KinesisCredentials.AssumeRole role) {
            if (role.roleArn() == null || !ROLE_ARN.matcher(role.roleArn()).matches()) {
                throw new IllegalArgumentException("KinesisSource: assumeRole roleArn '" + role.roleArn()
                        + "' is not an IAM role ARN; use arn:aws:iam::<12-digit account>:role/<name>");
            }
            if (role.sessionName() == null || !SESSION_NAME.matcher(role.sessionName()).matches()) {
                throw new IllegalArgumentException("KinesisSource: assumeRole sessionName '" + role.sessionName()
                        + "' must be 2-64 characters of letters, digits and +=,.@_-");
            }
            if (role.duration() == null || role.duration().toSeconds() < 900 || role.duration().toSeconds() > 43_200) {
                throw new IllegalArgumentException("KinesisSource: assumeRole duration must be 15 min to 12 h, was " + role.duration());
            }
            if (role.stsEndpoint() != null && (role.stsEndpoint().getScheme() == null || role.stsEndpoint().getHost() == null)) {
                throw new IllegalArgumentException("KinesisSource: assumeRole stsEndpoint '" + role.stsEndpoint()
                        + "' must be a URL such as https://sts.us-east-1.amazonaws.com");
            }
            if (role.base() == null) {
                throw new IllegalArgumentException("KinesisSource: assumeRole needs base credentials to call STS with,"
                        + " e.g. KinesisCredentials.defaultChain()");
            }
            validate(role.base());
        }
    }
}
