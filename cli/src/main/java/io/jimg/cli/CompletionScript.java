package io.jimg.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A bash completion script (zsh runs it through bashcompinit), made from the command model so that it always
 * knows every verb and option. Positional parameters and option values marked with {@link ImageNameCompletion}
 * complete image names by calling {@code jimg __complete-names} with the --image-root the command line already has;
 * an option's value completes from its completion candidates (a closed set such as --engine's), as a file name
 * where it takes a path, else not at all. The function is registered for the command's name, which bash also uses
 * for a path to it such as {@code bin/jimg} (it looks a path's last part up when the path has no completion of its
 * own), and it runs the very command the line names to find image names.
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
        .append("  local verb= word i n=0 option=$prev\n")
        .append("  local -a root=()\n")
        .append("  COMPREPLY=()\n")
        .append("  # bash splits --image-root=DIR at '=' into three words.\n")
        .append("  if [[ $prev == --image-root || ($prev == = && ${COMP_WORDS[COMP_CWORD-2]} == --image-root) ]]; then\n")
        .append("    COMPREPLY=($(compgen -d -- \"$cur\"))\n")
        .append("    return\n")
        .append("  fi\n")
        .append("  [[ $prev == = ]] && option=${COMP_WORDS[COMP_CWORD-2]}\n")
        .append("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
        .append("    word=${COMP_WORDS[i]}\n")
        .append("    if [[ $word == --image-root ]]; then\n")
        .append("      [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))\n")
        .append("      ((i++))\n")
        .append("      root=(--image-root \"${COMP_WORDS[i]}\")\n")
        .append("    elif [[ \" ").append(String.join(" ", valueOptions(root))).append(" \" == *\" $word \"* ]]; then\n")
        .append("      [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))\n")
        .append("      ((i++))\n")
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
      s.append("    ").append(verb).append(")\n");
      appendValueCompletion(s, function, spec);
      s.append("      if [[ $cur == -* ]]; then\n")
          .append("        ").append(function).append("_words ").append(options(spec)).append('\n')
          .append("        return\n")
          .append("      fi\n");
      if (spec.userObject() instanceof CommandLine.HelpCommand) {
        s.append("      if ((n == 0)); then\n")
            .append("        ").append(function).append("_words ").append(String.join(" ", verbs)).append('\n')
            .append("      fi\n");
      }
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

  /**
   * The case that completes the value of the option before the cursor ({@code --format xz} or, split by bash at the
   * '=', {@code --format = xz}); a value with nothing to offer gets nothing, rather than the verb's image names.
   */
  private static void appendValueCompletion(StringBuilder s, String function, CommandSpec spec) {
    List<OptionSpec> options = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (takesValue(option) && !option.hidden() && !option.longestName().equals("--image-root")) {
        options.add(option);
      }
    }
    if (options.isEmpty()) {
      return;
    }
    s.append("      case $option in\n");
    for (OptionSpec option : options) {
      String completion = valueCompletion(function, option);
      s.append("        ").append(String.join(" | ", option.names())).append(")\n");
      if (completion != null) {
        s.append("          ").append(completion).append('\n');
      }
      s.append("          return\n")
          .append("          ;;\n");
    }
    s.append("      esac\n");
  }

  private static String valueCompletion(String function, OptionSpec option) {
    String fromCandidates = candidates(function, option.completionCandidates());
    if (fromCandidates != null) {
      return fromCandidates;
    }
    boolean path = option.type() == Path.class
        || List.of(option.auxiliaryTypes()).contains(Path.class);
    return path ? "COMPREPLY=($(compgen -f -- \"$cur\"))" : null;
  }

  private static boolean takesValue(OptionSpec option) {
    return option.arity().min() > 0;
  }

  /** Every option of the command or its verbs that takes a value, which the script skips with its value. */
  private static Set<String> valueOptions(CommandSpec root) {
    Set<String> names = new TreeSet<>();
    List<CommandSpec> specs = new ArrayList<>(List.of(root));
    for (CommandLine verb : root.subcommands().values()) {
      specs.add(verb.getCommandSpec());
    }
    for (CommandSpec spec : specs) {
      for (OptionSpec option : spec.options()) {
        if (takesValue(option)) {
          names.addAll(List.of(option.names()));
        }
      }
    }
    return names;
  }

  private static String positionalCompletion(String function, PositionalParamSpec positional) {
    return candidates(function, positional.completionCandidates());
  }

  private static String candidates(String function, Iterable<String> candidates) {
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
