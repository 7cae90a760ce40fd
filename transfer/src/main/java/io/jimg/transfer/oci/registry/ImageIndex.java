package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An OCI image index or a Docker manifest list: the manifests of one image for several platforms. */
public record ImageIndex(String mediaType, List<Descriptor> manifests) {

  public ImageIndex {
    manifests = List.copyOf(manifests);
  }

  /** At most {@link Limits#MAX_INDEX_ENTRIES} entries; {@code what} names the document in errors. */
  public static ImageIndex parse(byte[] bytes, String what) throws JimgException {
    Map<String, Object> json = Json.parseObject(bytes, what);
    if (json.get("schemaVersion") instanceof Long version && version != 2) {
      throw Json.invalid(what, "schemaVersion " + version + " is not 2");
    }
    List<Descriptor> manifests = new ArrayList<>();
    for (Map<String, Object> entry : Json.objects(json, "manifests", Limits.MAX_INDEX_ENTRIES, what)) {
      manifests.add(Descriptor.parse(entry, what));
    }
    String mediaType = Json.optionalString(json, "mediaType", what);
    return new ImageIndex(mediaType == null ? MediaTypes.OCI_INDEX : mediaType, manifests);
  }

  /** The first entry for {@code platform}, or null. */
  public Descriptor select(Platform platform) {
    for (Descriptor entry : manifests) {
      if (entry.platform() != null && platform.accepts(entry.platform())) {
        return entry;
      }
    }
    return null;
  }

  /** The index as a registry stores it: schema version 2, its media type, its entries. */
  public byte[] toJson() {
    return Json.write(generator -> {
      generator.writeStartObject();
      generator.writeNumberField("schemaVersion", 2);
      generator.writeStringField("mediaType", mediaType);
      generator.writeArrayFieldStart("manifests");
      for (Descriptor entry : manifests) {
        entry.write(generator);
      }
      generator.writeEndArray();
      generator.writeEndObject();
    });
  }
}
