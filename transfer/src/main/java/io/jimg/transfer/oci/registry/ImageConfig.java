package io.jimg.transfer.oci.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config jimg uses: the platform, the diff ids of the layers (the digests of their
 * uncompressed tars, bottom first), and what runs (entrypoint, command, environment, user, working directory).
 * A list that the config leaves out or sets to null is null here; ports and volumes are not read.
 */
public record ImageConfig(String os, String architecture, String variant, List<Digest> diffIds,
    List<String> entrypoint, List<String> cmd, List<String> env, String user, String workingDir) {

  public static ImageConfig parse(byte[] bytes, String what) throws JimgException {
    Map<String, Object> json = Json.parseObject(bytes, what);
    Map<String, Object> rootfs = Json.optionalObject(json, "rootfs", what);
    List<Digest> diffIds = new ArrayList<>();
    List<String> diffIdTexts = rootfs == null ? null : Json.strings(rootfs, "diff_ids", what);
    if (diffIdTexts != null) {
      if (diffIdTexts.size() > Limits.MAX_LAYERS) {
        throw Json.invalid(what, "more than " + Limits.MAX_LAYERS + " diff ids");
      }
      for (String text : diffIdTexts) {
        diffIds.add(Digest.parse(text));
      }
    }
    Map<String, Object> config = Json.optionalObject(json, "config", what);
    if (config == null) {
      config = Map.of();
    }
    return new ImageConfig(Json.optionalString(json, "os", what), Json.optionalString(json, "architecture", what),
        Json.optionalString(json, "variant", what), List.copyOf(diffIds), Json.strings(config, "Entrypoint", what),
        Json.strings(config, "Cmd", what), Json.strings(config, "Env", what),
        Json.optionalString(config, "User", what), Json.optionalString(config, "WorkingDir", what));
  }

  /**
   * The config as an image carries it, with {@code created} as its time: the same fields always in the same
   * order, so that the same image gives the same bytes and digest. Lists that are null are left out.
   */
  public byte[] toJson(Instant created) {
    return Json.write(generator -> {
      generator.writeStartObject();
      generator.writeStringField("created", DateTimeFormatter.ISO_INSTANT.format(created));
      generator.writeStringField("architecture", architecture);
      if (variant != null) {
        generator.writeStringField("variant", variant);
      }
      generator.writeStringField("os", os);
      generator.writeObjectFieldStart("config");
      writeStrings(generator, "Entrypoint", entrypoint);
      writeStrings(generator, "Cmd", cmd);
      writeStrings(generator, "Env", env);
      if (user != null) {
        generator.writeStringField("User", user);
      }
      if (workingDir != null) {
        generator.writeStringField("WorkingDir", workingDir);
      }
      generator.writeEndObject();
      generator.writeObjectFieldStart("rootfs");
      generator.writeStringField("type", "layers");
      generator.writeArrayFieldStart("diff_ids");
      for (Digest diffId : diffIds) {
        generator.writeString(diffId.toString());
      }
      generator.writeEndArray();
      generator.writeEndObject();
      generator.writeEndObject();
    });
  }

  private static void writeStrings(JsonGenerator generator, String name, List<String> values) throws IOException {
    if (values == null) {
      return;
    }
    generator.writeArrayFieldStart(name);
    for (String value : values) {
      generator.writeString(value);
    }
    generator.writeEndArray();
  }
}
