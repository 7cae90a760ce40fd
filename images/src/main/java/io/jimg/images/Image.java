package io.jimg.images;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What the store knows of one image. {@code osRelease} is filled by {@link ImageStore#show} only, and empty
 * where the image has none or its type cannot be read without mounting it. {@code origin} is where jimg recorded
 * the image came from, null where it has no readable record (another tool made it).
 */
public record Image(
    String name,
    ImageType type,
    Path path,
    boolean readOnly,
    boolean hidden,
    boolean vendor,
    Instant created,
    Instant modified,
    Usage usage,
    Map<String, String> osRelease,
    Origin origin) {
  /** An image without a record of its origin. */
  public Image(String name, ImageType type, Path path, boolean readOnly, boolean hidden, boolean vendor,
      Instant created, Instant modified, Usage usage, Map<String, String> osRelease) {
    this(name, type, path, readOnly, hidden, vendor, created, modified, usage, osRelease, null);
  }
}
