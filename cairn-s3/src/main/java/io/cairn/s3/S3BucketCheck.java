package io.cairn.s3;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The start-up check of the bucket: one {@code HEAD} of the bucket, with the failure turned into a
 * sentence an operator can act on (endpoint unreachable, no such bucket, access denied, no
 * credentials, wrong region).
 */
public final class S3BucketCheck {
    private S3BucketCheck() {
    }

    /** @throws S3BucketCheckException saying what is wrong */
    public static void verify(S3Client client, S3Settings settings) {
        String where = settings.endpoint() == null ? "AWS S3 (" + settings.region() + ")" : settings.endpoint().toString();
        String bucket = settings.bucket();
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            int status = e.statusCode();
            if (status == 404) {
                throw new S3BucketCheckException(S3BucketCheckException.Problem.NO_SUCH_BUCKET,
                        "s3-bucket: bucket '" + bucket + "' does not exist at " + where + " (create it, or fix s3-bucket/s3-endpoint)", e);
            }
            if (status == 403) {
                throw new S3BucketCheckException(S3BucketCheckException.Problem.ACCESS_DENIED,
                        "s3-bucket: access denied to bucket '" + bucket + "' at " + where
                                + " (check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile, and the bucket's policy)", e);
            }
            if (status == 301 || status == 400 && e.awsErrorDetails() != null
                    && "AuthorizationHeaderMalformed".equals(e.awsErrorDetails().errorCode())) {
                String region = e.awsErrorDetails() == null ? null
                        : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
                throw new S3BucketCheckException(S3BucketCheckException.Problem.WRONG_REGION,
                        "s3-region: bucket '" + bucket + "' is in another region" + (region == null ? "" : " (" + region + ")")
                                + " than s3-region " + settings.region(), e);
            }
            throw new S3BucketCheckException(S3BucketCheckException.Problem.OTHER,
                    "s3-bucket: checking bucket '" + bucket + "' at " + where + " failed with HTTP " + status + ": "
                            + e.getMessage(), e);
        } catch (SdkClientException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("credentials") || m.contains("Credentials")) {
                throw new S3BucketCheckException(S3BucketCheckException.Problem.NO_CREDENTIALS,
                        "s3: no credentials for " + where + " (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE): "
                                + m, e);
            }
            throw new S3BucketCheckException(S3BucketCheckException.Problem.UNREACHABLE,
                    "s3-endpoint: cannot reach " + where + " (" + m + ")", e);
        }
    }
}
