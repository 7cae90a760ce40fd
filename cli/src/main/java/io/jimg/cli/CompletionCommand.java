package io.jimg.cli;

final class CompletionCommand extends Verb {
  static final String NAME = "generate-completion";

  CompletionCommand() {
    super(NAME,
        "Print a bash completion script (zsh loads it through bashcompinit) that also completes image names.");
    examples("jimg generate-completion > /etc/bash_completion.d/jimg",
        "source <(jimg generate-completion)    # in ~/.bashrc or ~/.zshrc");
  }

  @Override
  void run() {
    out().print(CompletionScript.of(spec.root()));
  }
}
