package io.jimg.transfer.oci.push;

import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.oci.AuthFiles;
import io.jimg.transfer.oci.registry.Credentials;
import io.jimg.transfer.oci.registry.Platform;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How an image is pushed.
 *
 * @param format the layer's compression: gzip (what every client reads) or zstd
 * @param credentials {@code --creds}, with its password; null to look in {@code authFiles}
 * @param authFiles podman's and docker's credential files, looked in where no credentials are given; null for none
 * @param tlsVerify false talks plain HTTP to the registry, as {@code --tls-verify=false} asks
 * @param caFile PEM certificates trusted besides the system's; null for none
 * @param environment the variables proxies are read from
 * @param platform the os and architecture the config names
 * @param mountFrom a repository of the same registry that has the image's blobs (the one it was pulled from); null
 *     where none is known, and then no mount is tried
 */
public record PushOptions(Compression format, Credentials credentials, AuthFiles authFiles, boolean tlsVerify,
    Path caFile, Map<String, String> environment, Platform platform, String mountFrom) {
  public PushOptions {
    Objects.requireNonNull(format, "format");
    ExportedLayer.mediaType(format); // gzip or zstd, nothing else
    environment = Map.copyOf(environment);
    Objects.requireNonNull(platform, "platform");
  }

  /** gzip, no credentials but those of the files, TLS verified, the host's platform. */
  public static PushOptions defaults() {
    return new PushOptions(Compression.GZIP, null, null, true, null, Map.of(), Platform.host(), null);
  }

  public PushOptions withFormat(Compression value) {
    return new PushOptions(value, credentials, authFiles, tlsVerify, caFile, environment, platform, mountFrom);
  }

  public PushOptions withCredentials(Credentials value, AuthFiles files) {
    return new PushOptions(format, value, files, tlsVerify, caFile, environment, platform, mountFrom);
  }

  public PushOptions withTls(boolean verify, Path ca) {
    return new PushOptions(format, credentials, authFiles, verify, ca, environment, platform, mountFrom);
  }

  public PushOptions withEnvironment(Map<String, String> value) {
    return new PushOptions(format, credentials, authFiles, tlsVerify, caFile, value, platform, mountFrom);
  }

  public PushOptions withMountFrom(String repository) {
    return new PushOptions(format, credentials, authFiles, tlsVerify, caFile, environment, platform, repository);
  }
}
