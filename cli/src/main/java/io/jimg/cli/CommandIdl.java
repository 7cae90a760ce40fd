package io.jimg.cli;

/** io.jimg.Command: the jimg command's verbs run in the service, for the jimg command itself. */
final class CommandIdl {
  private CommandIdl() {}

  static final String NAME = "io.jimg.Command";

  static final String IDL = """
      # jimg's command line run in the service: the jimg command sends its verb here rather than running it itself,
      # where the service serves the pool the command names
      interface io.jimg.Command

      # Runs a jimg command line as the jimg command runs it, with the caller's working directory, variables and
      # standard streams (descriptors passed beside the call): first the command's id, then what it prints on
      # standard output (out) and standard error (err) as it prints it, then its exit code
      method Run(
      \targuments: []string,
      \tdirectory: string,
      \t# JIMG_IMAGE_ROOT, JIMG_LOCK_DIRECTORY, and what a pull reads (the proxies, HOME, REGISTRY_AUTH_FILE,
      \t# DOCKER_CONFIG, XDG_CONFIG_HOME, XDG_RUNTIME_DIR) as the caller has them
      \tenvironment: [string]string,
      \t# Whether the caller's standard error is a terminal, for a progress bar
      \tterminal: bool,
      \t# The caller's time zone, for the times it prints
      \ttimeZone: ?string,
      \t# The index of the passed descriptor that is standard input, and of the one that is standard output
      \tinput: ?int,
      \toutput: ?int
      ) -> (
      \tid: ?int,
      \tout: ?string,
      \terr: ?string,
      \texitCode: ?int
      )

      # Cancels the transfers of a command that runs, as a signal to the jimg command would: the command reports
      # them and ends with 128 + signal
      method Interrupt(id: int, signal: int) -> ()

      # The command names another pool or lock directory than the service's: the caller runs it itself
      error OtherPool ()

      # No command with that id runs for the caller
      error NoSuchCommand ()
      """;
}
