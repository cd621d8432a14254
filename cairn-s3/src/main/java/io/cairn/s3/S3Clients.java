package io.cairn.s3;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.time.Duration;

/** Builds the synchronous S3 client Cairn uses: Apache HTTP, bounded timeouts, standard retries. */
public final class S3Clients {
    /** Uploads at least this large ask {@code Expect: 100-continue} first (the SDK's own default, 1 MiB). */
    public static final long EXPECT_CONTINUE_THRESHOLD = 1L << 20;

    private S3Clients() {
    }

    /** A client with the SDK's default credentials chain. */
    public static S3Client build(S3Settings settings, S3RequestCounter counter) {
        return build(settings, counter, DefaultCredentialsProvider.builder().build());
    }

    /**
     * The client for {@code settings}. Retries (the SDK's standard strategy: 5xx, {@code SlowDown} and
     * other throttling, connection errors) back off exponentially with jitter; every attempt and every
     * call has a time limit, so no request can hang. Cairn checks each block against its CID itself, so
     * the SDK's own CRC checksums are only sent where S3 requires them (fewer bytes hashed twice, and
     * stores that do not know the newer checksum headers keep working). Uploads are not aws-chunked:
     * over plain HTTP the SDK would otherwise copy each body into 128 KiB chunk arrays and sign every
     * chunk; sent whole, a body goes from the caller's array to the socket and is signed once (its
     * SHA-256 in {@code x-amz-content-sha256}, which S3 checks). Over HTTPS the payload is not signed
     * either way.
     *
     * <p>{@code Expect: 100-continue} is left to the SDK's S3 rule alone: bodies of at least
     * {@link #EXPECT_CONTINUE_THRESHOLD} bytes wait for the server's go-ahead, smaller ones are sent at
     * once. The Apache client's own switch, on by default, would otherwise put the header on every
     * upload and cost a round trip (and two wake-ups on each side) per small {@code PUT}, which is more
     * than sending a body that S3 may refuse with {@code 412}.
     */
    public static S3Client build(S3Settings settings, S3RequestCounter counter, AwsCredentialsProvider credentials) {
        Duration attempt = settings.attemptTimeout();
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .maxConnections(settings.maxConnections())
                .connectionTimeout(min(attempt, Duration.ofSeconds(5)))
                .socketTimeout(attempt)
                .connectionAcquisitionTimeout(attempt)
                .connectionMaxIdleTime(Duration.ofSeconds(30))
                .tcpKeepAlive(true)
                .expectContinueEnabled(false);
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(settings.callTimeout())
                .apiCallAttemptTimeout(attempt)
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(settings.retryBase(), settings.retryMax()))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.retryBase().multipliedBy(2),
                                settings.retryMax()))
                        .circuitBreakerEnabled(false)
                        .build());
        if (counter != null) {
            override.addExecutionInterceptor(counter);
        }
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(http)
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false)
                        .expectContinueThresholdInBytes(EXPECT_CONTINUE_THRESHOLD).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(override.build());
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return b.build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
