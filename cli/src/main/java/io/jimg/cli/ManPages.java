package io.jimg.cli;

import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The manual pages, written in troff from the same command model the help prints: jimg(1) with the verbs, the exit
 * codes and the environment, and jimg-VERB(1) for each verb. The build runs {@link #main} after compiling; nothing
 * at run time uses this class.
 */
final class ManPages {
  private static final Map<Reason, String> EXIT_CODES = new EnumMap<>(Map.of(
      Reason.FAILED, "failed: an error the message names, with the file or call and its errno where there is one",
      Reason.USAGE, "a usage error: an unknown verb or option, or a value the option does not take",
      Reason.NOT_FOUND, "not found: no image of that name, or a file or URL that does not exist",
      Reason.BUSY, "busy: the image is locked by a running container or another operation",
      Reason.VERIFICATION, "verification failed: a signature or checksum did not match",
      Reason.EXISTS, "exists: an image of that name is there already",
      Reason.CANCELLED, "cancelled on request; what the operation had made is gone"));

  private static final String[][] ENVIRONMENT = {
      {JimgCommand.IMAGE_ROOT_VARIABLE, "The image pool, where --image-root is not given."},
      {JimgCommand.LOCK_DIRECTORY_VARIABLE,
          "Where image locks go instead of systemd-nspawn's /run/systemd/nspawn/locks (for tests)."},
      {"https_proxy, http_proxy, no_proxy", "Proxies for pulls, as curl reads them (upper case too)."},
      {"JIMG_JAVA_OPTS", "More options for the Java virtual machine the jimg launcher starts."},
  };

  private final String version;
  private final String date;

  private ManPages(String version, String date) {
    this.version = version;
    this.date = date;
  }

  /** Arguments: the directory to write into, the version and the date the pages carry. */
  public static void main(String[] args) throws IOException {
    Path directory = Files.createDirectories(Path.of(args[0]));
    ManPages pages = new ManPages(args[1], args[2]);
    CommandLine jimg = Main.commandLine(Environment.ofProcess(), new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    for (Map.Entry<String, String> page : pages.all(jimg.getCommandSpec()).entrySet()) {
      Files.writeString(directory.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
    }
  }

  /** Each page by its file name. */
  Map<String, String> all(CommandSpec root) {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("jimg.1", top(root));
    for (CommandSpec verb : verbs(root)) {
      pages.put("jimg-" + verb.name() + ".1", verb(verb));
    }
    return pages;
  }

  /** The verbs a page is written for: not the hidden ones, nor the help verb, whose help the pages are. */
  private static List<CommandSpec> verbs(CommandSpec root) {
    List<CommandSpec> verbs = new ArrayList<>();
    for (CommandLine verb : root.subcommands().values()) {
      CommandSpec spec = verb.getCommandSpec();
      if (!spec.usageMessage().hidden() && !(spec.userObject() instanceof CommandLine.HelpCommand)) {
        verbs.add(spec);
      }
    }
    return verbs;
  }

  private String top(CommandSpec root) {
    StringBuilder page = header("jimg", root.usageMessage().description()[0]);
    page.append(".SH SYNOPSIS\n.B jimg\n[\\fIOPTIONS\\fR] \\fIVERB\\fR [\\fIARGUMENTS\\fR]\n");
    section(page, "DESCRIPTION", String.join(" ", root.usageMessage().description()));
    options(page, root);
    page.append(".SH VERBS\n");
    for (CommandSpec verb : verbs(root)) {
      page.append(".TP\n\\fB").append(escape(verb.name())).append("\\fR\n")
          .append(escape(String.join(" ", verb.usageMessage().description()))).append(" See \\fBjimg\\-")
          .append(escape(verb.name())).append("\\fR(1).\n");
    }
    page.append(".SH \"EXIT STATUS\"\n.TP\n.B 0\ndone\n");
    for (Reason reason : Reason.values()) {
      String meaning = Objects.requireNonNull(EXIT_CODES.get(reason), () -> "no text for the exit code of " + reason);
      page.append(".TP\n.B ").append(reason.exitCode()).append('\n').append(escape(meaning)).append('\n');
    }
    page.append(".TP\n.B 128+N\nstopped by signal N: 130 for Ctrl\\-C (SIGINT), 141 for a closed pipe (SIGPIPE), "
        + "143 for SIGTERM; temporaries and lock files are removed first\n");
    page.append(".SH ENVIRONMENT\n");
    for (String[] variable : ENVIRONMENT) {
      page.append(".TP\n.B ").append(escape(variable[0])).append('\n').append(escape(variable[1])).append('\n');
    }
    seeAlso(page, "jimg\\-list(1), machinectl(1), systemd\\-nspawn(1), systemd\\-importd(8)");
    return page.toString();
  }

  private String verb(CommandSpec verb) {
    String name = "jimg-" + verb.name();
    StringBuilder page = header(name, verb.usageMessage().description()[0]);
    page.append(".SH SYNOPSIS\n.B jimg ").append(escape(verb.name())).append("\n[\\fIOPTIONS\\fR]");
    for (PositionalParamSpec positional : verb.positionalParameters()) {
      String label = "\\fI" + escape(positional.paramLabel()) + "\\fR";
      page.append(' ').append(positional.arity().min() == 0 ? "[" + label + "]" : label)
          .append(positional.arity().max() > 1 ? "..." : "");
    }
    page.append('\n');
    section(page, "DESCRIPTION", String.join(" ", verb.usageMessage().description()));
    if (!verb.positionalParameters().isEmpty()) {
      page.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec positional : verb.positionalParameters()) {
        page.append(".TP\n\\fI").append(escape(positional.paramLabel())).append("\\fR\n")
            .append(escape(String.join(" ", positional.description()))).append('\n');
      }
    }
    options(page, verb);
    footer(page, verb.usageMessage().footer());
    seeAlso(page, "jimg(1)");
    return page.toString();
  }

  private StringBuilder header(String name, String summary) {
    StringBuilder page = new StringBuilder();
    page.append(".TH ").append(escape(name.toUpperCase(Locale.ROOT))).append(" 1 \"").append(date).append("\" \"jimg ")
        .append(escape(version)).append("\" \"jimg manual\"\n")
        // Left-aligned and unhyphenated: paths, names and options stay whole.
        .append(".nh\n.ad l\n")
        .append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(summary)).append('\n');
    return page;
  }

  private static void section(StringBuilder page, String title, String paragraph) {
    page.append(".SH ").append(title).append('\n').append(escape(paragraph)).append('\n');
  }

  private static void options(StringBuilder page, CommandSpec command) {
    page.append(".SH OPTIONS\n");
    for (OptionSpec option : command.options()) {
      if (option.hidden()) {
        continue;
      }
      page.append(".TP\n");
      List<String> names = new ArrayList<>();
      for (String name : option.names()) {
        names.add("\\fB" + escape(name) + "\\fR");
      }
      page.append(String.join(", ", names));
      if (option.arity().min() > 0) {
        page.append("=\\fI").append(escape(option.paramLabel())).append("\\fR");
      }
      page.append('\n').append(escape(String.join(" ", option.description()))).append('\n');
    }
  }

  /**
   * A verb's footer as its help prints it: paragraphs, and after a line "Example:" the command lines, indented by
   * two spaces, which go into EXAMPLES unfilled.
   */
  private static void footer(StringBuilder page, String[] lines) {
    List<String> notes = new ArrayList<>();
    List<String> examples = new ArrayList<>();
    boolean inExamples = false;
    for (String line : lines) {
      if (line.equals("Example:")) {
        inExamples = true;
      } else if (inExamples && line.startsWith("  ")) {
        examples.add(line.substring(2));
      } else if (!line.isEmpty()) {
        inExamples = false;
        notes.add(line);
      }
    }
    if (!notes.isEmpty()) {
      page.append(".SH NOTES\n");
      for (String note : notes) {
        page.append(".PP\n").append(escape(note)).append('\n');
      }
    }
    if (!examples.isEmpty()) {
      page.append(".SH EXAMPLES\n.PP\n.nf\n.RS 4\n");
      for (String example : examples) {
        page.append(escape(example)).append('\n');
      }
      page.append(".RE\n.fi\n");
    }
  }

  private static void seeAlso(StringBuilder page, String references) {
    page.append(".SH \"SEE ALSO\"\n").append(references).append('\n');
  }

  /**
   * Text as troff prints it: a backslash is troff's escape, a hyphen would become a typographic one that a reader
   * cannot copy into a command line, and a line starting with a dot or quote would be a request.
   */
  static String escape(String text) {
    // Help texts are picocli's format strings: %% is a percent sign, %n a new line.
    String escaped = text.replace("%%", "%").replace("%n", " ").replace("\\", "\\e").replace("-", "\\-");
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }
}
