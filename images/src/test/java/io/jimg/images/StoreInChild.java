package io.jimg.images;

import java.nio.file.Path;
import java.util.List;

/** Store commands in a JVM of their own, for tests that watch a whole process from outside (under strace). */
public final class StoreInChild {
  private StoreInChild() {}

  /**
   * Arguments: pool, settings directory, lock directory, then commands ({@code list}, {@code show:NAME},
   * {@code remove:NAME}), each run in turn; prints one line per command, its outcome or its error.
   */
  public static void main(String[] args) throws Exception {
    ImageStore store = ImageStore.builder().imageRoot(Path.of(args[0])).settingsDirectory(Path.of(args[1]))
        .lockDirectory(Path.of(args[2])).build();
    for (int i = 3; i < args.length; i++) {
      String[] command = args[i].split(":", 2);
      try {
        switch (command[0]) {
          case "list":
            System.out.println("list: " + store.list(true).size() + " images");
            break;
          case "show":
            System.out.println("show " + command[1] + ": " + store.show(command[1]).osRelease());
            break;
          case "remove":
            store.remove(List.of(command[1]));
            System.out.println("remove " + command[1] + ": removed");
            break;
          default:
            throw new IllegalArgumentException(args[i]);
        }
      } catch (JimgException e) {
        System.out.println(command[0] + (command.length > 1 ? " " + command[1] : "") + ": jimg: " + e.getMessage());
      }
    }
  }
}
