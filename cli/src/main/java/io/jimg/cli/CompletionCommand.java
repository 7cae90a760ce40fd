package io.jimg.cli;

import picocli.CommandLine.Command;

@Command(name = CompletionCommand.NAME,
    description = "Print a bash completion script (zsh loads it through bashcompinit) that also completes image names.",
    footer = {"", "Example:", "  jimg generate-completion > /etc/bash_completion.d/jimg",
        "  source <(jimg generate-completion)    # in ~/.bashrc or ~/.zshrc"})
final class CompletionCommand extends Verb {
  static final String NAME = "generate-completion";

  @Override
  void run() {
    out().print(CompletionScript.of(spec.root()));
  }
}
