package io.jimg.cli;

import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.runtime.LaunchEngine;
import io.jimg.runtime.LaunchSpec;
import io.jimg.runtime.Launcher;
import io.jimg.runtime.PreparedRoot;
import io.jimg.runtime.PreparedRoots;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Not a {@link Verb}: its exit code is the container's, not 0. */
@Command(name = "run",
    description = {"Run a command in an image, or boot it: the image itself, an image made from a template on "
        + "first use, or an ephemeral root removed afterwards.",
        "The chroot engine is no security boundary and shares the host's network: use it only for trusted images."},
    footer = {"", "Exit code: the command's (128 + N where it died of signal N).", "", "Example:",
        "  jimg run -x debian -- /bin/sh -c 'apt-get update'", "  jimg run --template=debian web1",
        "  jimg run --engine=chroot --bind=/srv/data:/data debian -- ls /data"})
final class RunCommand implements Callable<Integer> {
  @ParentCommand Jimg jimg;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-x", "--ephemeral"}, description = "Run in a fresh root that is removed afterwards.")
  boolean ephemeral;

  @Option(names = "--template", paramLabel = "TEMPLATE",
      description = "Make NAME as a clone of TEMPLATE where it does not exist yet; it is kept.")
  String template;

  @Option(names = "--read-only", description = "Mount the root read-only.")
  boolean readOnly;

  @Option(names = "--engine", paramLabel = "ENGINE",
      description = "nspawn or chroot (default: nspawn where systemd-nspawn is installed).")
  String engine;

  @Option(names = "--bind", paramLabel = "SRC[:DST]", description = "Bind a host directory into the root.")
  List<String> binds = new ArrayList<>();

  @Option(names = "--setenv", paramLabel = "KEY=VALUE", description = "Set an environment variable for the command.")
  List<String> environment = new ArrayList<>();

  @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ImageNames.class,
      description = "The image to run.")
  String name;

  @Parameters(index = "1..*", paramLabel = "COMMAND",
      description = "The command and its arguments, after --; without one the image boots (a shell with chroot).")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try {
      ImageStore store = jimg.store();
      LaunchEngine launchEngine = LaunchEngine.named(engine, store);
      LaunchSpec spec = spec();
      try (PreparedRoot root = PreparedRoots.builder(store).build().forRun(name, ephemeral, template, readOnly)) {
        jimg.finish();
        return new Launcher(launchEngine).run(root, spec);
      }
    } finally {
      jimg.finish();
    }
  }

  private LaunchSpec spec() throws JimgException {
    try {
      LaunchSpec spec = LaunchSpec.command(command).withReadOnly(readOnly);
      for (String bind : binds) {
        spec = spec.withBind(LaunchSpec.Bind.parse(bind));
      }
      for (String variable : environment) {
        int equals = variable.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException("--setenv wants KEY=VALUE, not " + variable);
        }
        spec = spec.withEnvironment(variable.substring(0, equals), variable.substring(equals + 1));
      }
      return spec;
    } catch (IllegalArgumentException e) {
      throw new JimgException(JimgException.Reason.USAGE, "jimg: " + e.getMessage(), e);
    }
  }
}
