package io.jimg.runtime;

import io.jimg.images.ImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A jimg-like process for the signal tests: makes an ephemeral root of an image in a {@link FakePool} (or, for a
 * pool given as {@code store:DIR}, in a real store over DIR), prints
 * {@code ROOT <path>}, runs a command in it with an engine, removes the root and exits with the command's status.
 * Arguments: POOL IMAGE ENGINE [COMMAND...]; without a command the image boots.
 */
public final class RunMain {
  private RunMain() {}

  public static void main(String[] args) throws Exception {
    Pool pool;
    LaunchEngine engine;
    if (args[0].startsWith("store:")) {
      ImageStore store = ImageStore.builder().imageRoot(Path.of(args[0].substring(6)))
          .lockDirectory(FakePool.lockDirectory()).build();
      pool = Pool.of(store);
      engine = LaunchEngine.named(args[2], store);
    } else {
      pool = new FakePool(Path.of(args[0]));
      engine = args[2].equals("nspawn") ? new NspawnEngine(MachineRegistry.probe()) : new ChrootEngine(pool);
    }
    List<String> command = Arrays.asList(args).subList(3, args.length);
    int status;
    try (PreparedRoot root = PreparedRoots.builder(pool).build().ephemeral(args[1])) {
      System.out.println("ROOT " + root.path());
      System.out.flush();
      // No kill fallback: the tests prove that the signal itself ends the container.
      status = new Launcher(engine).killAfter(Duration.ofMinutes(5)).run(root, command.isEmpty() ? LaunchSpec.boot() : LaunchSpec.command(command));
    }
    System.out.println("EXIT " + status);
    System.exit(status);
  }
}
