package io.jimg.transfer.oci.pull;

import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.Platform;
import io.jimg.transfer.pull.PullOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to pull an OCI image: the platform to pick from an index (the host's by default), the credentials given on
 * the command line (null: those of podman's and docker's files, else none), whether TLS is verified (false
 * makes every registry of the pull insecure, as {@code --tls-verify=false} does; registries.conf may make some
 * insecure anyway), a CA file HTTPS also trusts, and how the image is made ({@code force}, {@code readOnly}).
 * {@code sizeMax} caps what one layer unpacks to (-1: only the pool's free space). {@code cacheMax} bounds the
 * pool's layers, a cache as the pull cache is: after a pull, the least recently used layers no image needs go until
 * the layers take at most that many bytes (the pull cache's default, 8 GiB).
 */
public record OciPullOptions(Platform platform, Credentials credentials, boolean tlsVerify, Path caFile,
    boolean force, boolean readOnly, long sizeMax, long cacheMax) {

  public OciPullOptions {
    Objects.requireNonNull(platform, "platform");
    if (credentials != null && credentials.password().isEmpty()) {
      throw new IllegalArgumentException("credentials without a password: ask for it before the pull");
    }
  }

  /** The host's platform, no credentials of the caller's, TLS verified, a new image that is writable. */
  public static OciPullOptions defaults() {
    return new OciPullOptions(Platform.host(), null, true, null, false, false, -1, PullOptions.DEFAULT_CACHE_MAX);
  }

  public OciPullOptions withPlatform(Platform value) {
    return new OciPullOptions(value, credentials, tlsVerify, caFile, force, readOnly, sizeMax, cacheMax);
  }

  public OciPullOptions withCredentials(Credentials value) {
    return new OciPullOptions(platform, value, tlsVerify, caFile, force, readOnly, sizeMax, cacheMax);
  }

  public OciPullOptions withTlsVerify(boolean value) {
    return new OciPullOptions(platform, credentials, value, caFile, force, readOnly, sizeMax, cacheMax);
  }

  public OciPullOptions withCaFile(Path value) {
    return new OciPullOptions(platform, credentials, tlsVerify, value, force, readOnly, sizeMax, cacheMax);
  }

  public OciPullOptions withForce(boolean value) {
    return new OciPullOptions(platform, credentials, tlsVerify, caFile, value, readOnly, sizeMax, cacheMax);
  }

  public OciPullOptions withReadOnly(boolean value) {
    return new OciPullOptions(platform, credentials, tlsVerify, caFile, force, value, sizeMax, cacheMax);
  }

  public OciPullOptions withSizeMax(long value) {
    return new OciPullOptions(platform, credentials, tlsVerify, caFile, force, readOnly, value, cacheMax);
  }

  public OciPullOptions withCacheMax(long value) {
    return new OciPullOptions(platform, credentials, tlsVerify, caFile, force, readOnly, sizeMax, value);
  }
}
