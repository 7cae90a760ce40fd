package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An image manifest (OCI, or Docker's schema 2): the config blob and the layers, bottom first. */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) {

  public ImageManifest {
    layers = List.copyOf(layers);
  }

  /**
   * At most {@link Limits#MAX_LAYERS} layers, each of a layer type jimg reads, and a config of a config type;
   * {@code mediaType} is the type the registry served it as, where the document names none.
   */
  public static ImageManifest parse(byte[] bytes, String mediaType, String what) throws JimgException {
    Map<String, Object> json = Json.parseObject(bytes, what);
    if (!(json.get("schemaVersion") instanceof Long version) || version != 2) {
      throw Json.invalid(what, "schemaVersion is not 2");
    }
    String declared = Json.optionalString(json, "mediaType", what);
    String type = declared != null ? declared : mediaType;
    Map<String, Object> configJson = Json.optionalObject(json, "config", what);
    if (configJson == null) {
      throw Json.invalid(what, "no \"config\"");
    }
    Descriptor config = Descriptor.parse(configJson, what);
    if (!MediaTypes.isConfig(config.mediaType())) {
      throw Json.invalid(what, "the config is of type " + config.mediaType() + ", not an image config");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (Map<String, Object> entry : Json.objects(json, "layers", Limits.MAX_LAYERS, what)) {
      Descriptor layer = Descriptor.parse(entry, what);
      if (!MediaTypes.isLayer(layer.mediaType())) {
        throw Json.invalid(what, "layer " + layer.digest() + " is of type " + layer.mediaType()
            + (MediaTypes.isForeign(layer.mediaType()) ? ", a foreign (non-distributable) layer that is fetched from"
                + " elsewhere than the registry, which jimg never does" : ", which jimg does not read"));
      }
      layers.add(layer);
    }
    return new ImageManifest(type, config, layers);
  }

  /** The manifest as a registry stores it (schema version 2, its media type, config, then layers). */
  public byte[] toJson() {
    return Json.write(generator -> {
      generator.writeStartObject();
      generator.writeNumberField("schemaVersion", 2);
      generator.writeStringField("mediaType", mediaType);
      generator.writeFieldName("config");
      config.write(generator);
      generator.writeArrayFieldStart("layers");
      for (Descriptor layer : layers) {
        layer.write(generator);
      }
      generator.writeEndArray();
      generator.writeEndObject();
    });
  }
}
