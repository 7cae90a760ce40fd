package io.jimg.cli;

import io.jimg.images.JimgException;
import io.jimg.library.Roots;
import io.jimg.runtime.LaunchSpec;
import io.jimg.runtime.Launcher;
import io.jimg.runtime.PreparedRoot;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Its exit code is the container's, not 0. */
final class RunCommand extends Verb {
  private final OptionSpec ephemeral =
      add(flag("-x", "--ephemeral").description("Run in a fresh root that is removed afterwards."));
  private final OptionSpec template = add(option("TEMPLATE", "--template").completionCandidates(IMAGE_NAMES)
      .description("Make NAME as a clone of TEMPLATE where it does not exist yet; it is kept."));
  private final OptionSpec readOnly = add(flag("--read-only").description("Mount the root read-only."));
  private final OptionSpec engine = add(option("ENGINE", "--engine").completionCandidates(List.of("nspawn", "chroot"))
      .description("nspawn or chroot (default: nspawn where systemd-nspawn is installed)."));
  private final OptionSpec binds = add(option("SRC[:DST]", "--bind").type(List.class).auxiliaryTypes(String.class)
      .initialValue(new ArrayList<String>()).description("Bind a host directory into the root."));
  private final OptionSpec environment = add(option("KEY=VALUE", "--setenv").type(List.class)
      .auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
      .description("Set an environment variable for the command."));
  private final PositionalParamSpec name =
      add(parameter(0, "NAME").completionCandidates(IMAGE_NAMES).description("The image to run."));
  private final PositionalParamSpec command = add(optionalParameter(1, "COMMAND").index("1..*").arity("0..*")
      .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
      .description("The command and its arguments, after --; without one the image boots (a shell with chroot),"
          + " or, with nspawn, runs what its NAME.nspawn says where that says Boot=no (an OCI image's entrypoint)."));

  RunCommand() {
    super("run", "Run a command in an image, or boot it: the image itself, an image made from a template on first "
            + "use, or an ephemeral root removed afterwards.",
        "The chroot engine is no security boundary and shares the host's network: use it only for trusted images.");
    note("Exit code: the command's (128 + N where it died of signal N).");
    examples("jimg run -x debian -- /bin/sh -c 'apt-get update'", "jimg run --template=debian web1",
        "jimg run --engine=chroot --bind=/srv/data:/data debian -- ls /data");
  }

  @Override
  void run() throws Exception {
    LaunchSpec spec = spec(); // a usage error comes before any work
    Roots roots = jimg().root().roots();
    Launcher launcher = roots.launcher(engine.getValue());
    boolean ephemeral = this.ephemeral.getValue();
    boolean readOnly = this.readOnly.getValue();
    try (PreparedRoot root = roots.prepared().forRun(name.getValue(), ephemeral, template.getValue(), readOnly)) {
      jimg().finish();
      exitCode(launcher.run(root, spec));
    }
  }

  private LaunchSpec spec() throws JimgException {
    try {
      List<String> command = this.command.getValue();
      List<String> binds = this.binds.getValue();
      List<String> environment = this.environment.getValue();
      boolean readOnly = this.readOnly.getValue();
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
      throw new JimgException(JimgException.Reason.USAGE, e.getMessage(), e);
    }
  }
}
