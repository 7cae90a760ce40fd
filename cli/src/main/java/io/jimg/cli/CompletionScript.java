package io.jimg.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A bash completion script (zsh runs it through bashcompinit), made from the command model so that it always
 * knows every verb and option. Positional parameters marked with {@link ImageNameCompletion} complete image names by
 * calling {@code jimg __complete-names} with the --image-root the command line already has.
 */
final class CompletionScript {
  private CompletionScript() {}

  static String of(CommandSpec root) {
    String name = root.name();
    String function = "_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    List<String> verbs = new ArrayList<>();
    for (var entry : root.subcommands().entrySet()) {
      if (!entry.getValue().getCommandSpec().usageMessage().hidden()) {
        verbs.add(entry.getKey());
      }
    }
    StringBuilder s = new StringBuilder();
    s.append("# ").append(name).append(" completion for bash and zsh; made by '").append(name)
        .append(" generate-completion'.\n")
        .append("if [[ -n ${ZSH_VERSION-} ]]; then\n")
        .append("  autoload -U +X bashcompinit && bashcompinit\n")
        .append("fi\n\n")
        .append(function).append("_words() {\n")
        .append("  local word\n")
        .append("  for word in \"$@\"; do\n")
        .append("    [[ $word == \"$cur\"* ]] && COMPREPLY+=(\"$word\")\n")
        .append("  done\n")
        .append("}\n\n")
        .append(function).append("_names() {\n")
        .append("  local image\n")
        .append("  while IFS= read -r image; do\n")
        .append("    [[ $image == \"$cur\"* ]] && COMPREPLY+=(\"$(printf '%q' \"$image\")\")\n")
        .append("  done < <(command \"${COMP_WORDS[0]/#\\~/$HOME}\" \"${root[@]}\" ")
        .append(CompleteNamesCommand.NAME).append(" 2>/dev/null)\n")
        .append("}\n\n")
        .append(function).append("() {\n")
        .append("  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
        .append("  local verb= word i n=0\n")
        .append("  local -a root=()\n")
        .append("  COMPREPLY=()\n")
        .append("  # bash splits --image-root=DIR at '=' into three words.\n")
        .append("  if [[ $prev == --image-root || ($prev == = && ${COMP_WORDS[COMP_CWORD-2]} == --image-root) ]]; then\n")
        .append("    COMPREPLY=($(compgen -d -- \"$cur\"))\n")
        .append("    return\n")
        .append("  fi\n")
        .append("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
        .append("    word=${COMP_WORDS[i]}\n")
        .append("    if [[ $word == --image-root ]]; then\n")
        .append("      [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))\n")
        .append("      ((i++))\n")
        .append("      root=(--image-root \"${COMP_WORDS[i]}\")\n")
        .append("    elif [[ $word == -* ]]; then\n")
        .append("      :\n")
        .append("    elif [[ -z $verb ]]; then\n")
        .append("      verb=$word\n")
        .append("    else\n")
        .append("      ((n++))\n")
        .append("    fi\n")
        .append("  done\n")
        .append("  case $verb in\n")
        .append("    '')\n")
        .append("      if [[ $cur == -* ]]; then\n")
        .append("        ").append(function).append("_words ").append(options(root)).append('\n')
        .append("      else\n")
        .append("        ").append(function).append("_words ").append(String.join(" ", verbs)).append('\n')
        .append("      fi\n")
        .append("      ;;\n");
    for (String verb : verbs) {
      CommandSpec spec = root.subcommands().get(verb).getCommandSpec();
      s.append("    ").append(verb).append(")\n")
          .append("      if [[ $cur == -* ]]; then\n")
          .append("        ").append(function).append("_words ").append(options(spec)).append('\n')
          .append("        return\n")
          .append("      fi\n");
      for (PositionalParamSpec positional : spec.positionalParameters()) {
        String completion = positionalCompletion(function, positional);
        if (completion == null) {
          continue;
        }
        CommandLine.Range index = positional.index();
        s.append("      if ((n >= ").append(index.min())
            .append(index.isUnspecified() || index.max() == Integer.MAX_VALUE ? "" : " && n <= " + index.max())
            .append(")); then\n")
            .append("        ").append(completion).append('\n')
            .append("      fi\n");
      }
      s.append("      ;;\n");
    }
    s.append("  esac\n")
        .append("}\n\n")
        .append("complete -F ").append(function).append(' ').append(name).append('\n');
    return s.toString();
  }

  private static String positionalCompletion(String function, PositionalParamSpec positional) {
    Iterable<String> candidates = positional.completionCandidates();
    if (candidates instanceof ImageNameCompletion) {
      return function + "_names";
    }
    if (candidates == null) {
      return null;
    }
    List<String> words = new ArrayList<>();
    candidates.forEach(words::add);
    return words.isEmpty() ? null : function + "_words " + String.join(" ", words);
  }

  private static String options(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (!option.hidden()) {
        names.addAll(List.of(option.names()));
      }
    }
    return String.join(" ", names);
  }
}
