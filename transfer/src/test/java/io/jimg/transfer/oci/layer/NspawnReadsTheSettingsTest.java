package io.jimg.transfer.oci.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd-nspawn itself reads the settings: a root holding one static program that writes down its arguments,
 * environment and working directory runs with {@code --settings=trusted} and the file beside it, and gets back
 * every awkward argument and variable exactly. (User= is left out: nspawn resolves it with the root's getent.)
 */
class NspawnReadsTheSettingsTest {
  private static final String PROGRAM = """
      #include <stdio.h>
      #include <unistd.h>
      extern char **environ;
      int main(int argc, char **argv) {
        FILE *f = fopen("/out", "w");
        char cwd[4096];
        fprintf(f, "cwd %s\\n", getcwd(cwd, sizeof cwd));
        for (int i = 0; i < argc; i++) fprintf(f, "arg %s\\n", argv[i]);
        for (char **e = environ; *e; e++) fprintf(f, "env %s\\n", *e);
        return fclose(f);
      }
      """;

  @TempDir Path work;

  @Test
  void nspawnRunsTheEntrypointWithItsArgumentsAndEnvironment() throws IOException {
    Requirements.requireRoot();
    Requirements.requireTool("systemd-nspawn");
    Requirements.requireTool("gcc");
    String machine = "jimg-settings-" + ProcessHandle.current().pid(); // nspawn reads MACHINE.nspawn beside the root
    Path root = Files.createDirectories(work.resolve("pool").resolve(machine));
    Files.createDirectories(root.resolve("usr"));
    Files.createDirectories(root.resolve("srv/app"));
    Files.writeString(work.resolve("args.c"), PROGRAM);
    Commands.run("gcc", "-static", "-O2", "-o", root.resolve("args").toString(), work.resolve("args.c").toString());
    List<String> cmd = List.of("two words", "it's", "back\\slash\\", "", "a\"b", "'single'", "$HOME;#");
    List<String> env = List.of("A=b c", "Q=say \"hi\" 'there'", "EMPTY=");
    Files.writeString(work.resolve("pool").resolve(machine + ".nspawn"), NspawnSettings.of(List.of("/args"), cmd, env, null, "/srv/app"));
    Files.createDirectories(Path.of("/run/systemd/nspawn"));
    Commands.run("systemd-nspawn", "-q", "-D", root.toString(), "--settings=trusted", "--register=no", "--keep-unit",
        "-M", machine);
    List<String> out = Files.readAllLines(root.resolve("out"));
    assertEquals("cwd /srv/app", out.get(0));
    assertEquals(List.of("/args", "two words", "it's", "back\\slash\\", "", "a\"b", "'single'", "$HOME;#"),
        out.stream().filter(l -> l.startsWith("arg ")).map(l -> l.substring(4)).toList());
    for (String variable : env) {
      assertTrue(out.contains("env " + variable), variable + " in " + out);
    }
  }
}
