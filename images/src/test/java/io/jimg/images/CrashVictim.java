package io.jimg.images;

import java.nio.file.Path;
import java.util.List;

/** A store operation in a JVM of its own, for {@link CrashTest} to SIGKILL in the middle. */
public final class CrashVictim {
  private CrashVictim() {}

  /** Arguments: pool, settings directory, lock directory, operation (clone, rename, remove, settings,
   * create, layer), its arguments. */
  public static void main(String[] args) throws Exception {
    ImageStore store = ImageStore.builder().imageRoot(Path.of(args[0])).settingsDirectory(Path.of(args[1]))
        .lockDirectory(Path.of(args[2])).build();
    switch (args[3]) {
      case "clone":
        store.clone(args[4], args[5], false);
        break;
      case "rename":
        store.rename(args[4], args[5]);
        break;
      case "remove":
        store.remove(List.of(args[4]));
        break;
      case "settings": // a settings file of the given size, large enough to be killed while it is written
        store.writeSettings(args[4], new byte[Integer.parseInt(args[5])]);
        break;
      case "create":
        store.createTree(args[4], CreateOptions.DEFAULT.withOrigin(Origin.of("import-tar", "-")), image -> {
          for (int i = 0; ; i++) { // until killed: an import that never finishes
            java.nio.file.Files.writeString(image.path().resolve("f" + i), "x");
          }
        });
        break;
      case "layer": // a layer whose filler never finishes, until killed
        store.layers().create(args[4], java.util.Optional.empty(), layer -> {
          for (int i = 0; ; i++) {
            java.nio.file.Files.writeString(layer.path().resolve("f" + i), "x");
          }
        }, Cancellation.NEVER);
        break;
      default:
        throw new IllegalArgumentException(args[3]);
    }
  }
}
