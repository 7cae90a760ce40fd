package io.jimg.images;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What the store knows of one image. {@code osRelease} is filled by {@link ImageStore#show} only, and empty
 * where the image has none or its type cannot be read without mounting it.
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
    Map<String, String> osRelease) {}
