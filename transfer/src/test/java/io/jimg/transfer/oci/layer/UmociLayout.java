package io.jimg.transfer.oci.layer;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.transfer.TestTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCI image layout made by umoci, the peer the layer tests compare with: its layers' blobs and diff ids read
 * from the layout's JSON (index → manifest → config) with a few patterns, which umoci's compact output allows.
 */
final class UmociLayout {
  private static final Pattern DIGEST = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"");

  final Path layout;

  UmociLayout(Path layout) {
    this.layout = layout;
  }

  /** A new layout with one empty image under {@code tag}. */
  static UmociLayout create(Path layout, String tag) {
    Requirements.requireTool("umoci");
    TestTrees.bash("umoci init --layout " + layout + " && umoci new --image " + layout + ":" + tag);
    return new UmociLayout(layout);
  }

  Path blob(String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  /** The layers of the image tagged {@code tag}, bottom first, with the diff ids its config gives them. */
  List<LayerApplier.Blob> layers(String tag) throws IOException {
    String index = Files.readString(layout.resolve("index.json"));
    Matcher tagged = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"[^}]*\"org.opencontainers.image.ref.name\":\""
        + Pattern.quote(tag) + "\"").matcher(index);
    if (!tagged.find()) {
      throw new IllegalStateException("no tag " + tag + " in " + index);
    }
    String manifest = Files.readString(blob(tagged.group(1)));
    String config = Files.readString(blob(first(DIGEST, between(manifest, "\"config\":", "}"))));
    List<String> layers = all(DIGEST, between(manifest, "\"layers\":[", "]"));
    List<String> diffIds = all(Pattern.compile("\"(sha256:[0-9a-f]{64})\""), between(config, "\"diff_ids\":[", "]"));
    List<LayerApplier.Blob> blobs = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Path file = blob(layers.get(i));
      blobs.add(new LayerApplier.Blob("layer " + (i + 1), io.jimg.transfer.oci.registry.Digest.parse(diffIds.get(i)),
          () -> Files.newInputStream(file)));
    }
    return blobs;
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    return text.substring(from + start.length(), text.indexOf(end, from + start.length()));
  }

  private static String first(Pattern pattern, String text) {
    return all(pattern, text).get(0);
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
