package io.jimg.transfer.oci;

import java.util.Optional;

/**
 * One entry of a layout's {@code index.json} as plain values: the manifest (or nested index) it points to, the
 * platform where the entry names one, and its tag ({@code org.opencontainers.image.ref.name}). Parsing what it
 * points to is the registry model's job; {@code size} is what the caller checks the blob against.
 */
public record OciDescriptor(String mediaType, String digest, long size, String os, String architecture,
    String variant, String refName) {
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  public Optional<String> tag() {
    return Optional.ofNullable(refName);
  }
}
