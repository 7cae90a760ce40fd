package io.jimg.transfer.oci.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a manifest, an index or a layout's {@code index.json} says about one blob: its type, digest and size;
 * platform (or null) and annotations only in an index, where the tag of a layout's entry is an annotation.
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform,
    Map<String, String> annotations) {
  /** The annotation that tags an entry of a layout's {@code index.json}. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, null, Map.of());
  }

  /** The tag of a layout's entry, where it has one. */
  public Optional<String> refName() {
    return Optional.ofNullable(annotations.get(REF_NAME));
  }

  /** The descriptor of these exact bytes. */
  public static Descriptor of(String mediaType, byte[] bytes) {
    return new Descriptor(mediaType, Digest.of(bytes), bytes.length);
  }

  static Descriptor parse(Map<String, Object> json, String what) throws JimgException {
    long size = Json.number(json, "size", what);
    if (size < 0) {
      throw Json.invalid(what, "negative size " + size);
    }
    Platform platform = null;
    Map<String, Object> platformJson = Json.optionalObject(json, "platform", what);
    if (platformJson != null) {
      String os = Json.string(platformJson, "os", what);
      String architecture = Json.string(platformJson, "architecture", what);
      if (os.isEmpty() || architecture.isEmpty()) {
        throw Json.invalid(what, "a platform without os or architecture");
      }
      platform = new Platform(os, architecture, Json.optionalString(platformJson, "variant", what));
    }
    return new Descriptor(Json.string(json, "mediaType", what), Digest.parse(Json.string(json, "digest", what)),
        size, platform, Json.stringMap(json, "annotations", what));
  }

  void write(JsonGenerator generator) throws IOException {
    generator.writeStartObject();
    generator.writeStringField("mediaType", mediaType);
    generator.writeStringField("digest", digest.toString());
    generator.writeNumberField("size", size);
    if (platform != null) {
      generator.writeObjectFieldStart("platform");
      generator.writeStringField("architecture", platform.architecture());
      generator.writeStringField("os", platform.os());
      if (platform.variant() != null) {
        generator.writeStringField("variant", platform.variant());
      }
      generator.writeEndObject();
    }
    if (!annotations.isEmpty()) {
      generator.writeObjectFieldStart("annotations");
      for (Map.Entry<String, String> entry : new java.util.TreeMap<>(annotations).entrySet()) {
        generator.writeStringField(entry.getKey(), entry.getValue());
      }
      generator.writeEndObject();
    }
    generator.writeEndObject();
  }
}
