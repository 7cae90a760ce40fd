package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An import flushes the new tree to disk before it gives it its name, so that a power cut never leaves a named
 * image whose files are empty: seen from outside, under strace, as a syncfs between the making of the hidden
 * subvolume and the rename that publishes it. A SIGKILL cannot show this (the page cache survives it).
 */
class FlushBeforePublishTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  @Test
  void anImportFlushesTheTreeBetweenMakingItAndNamingIt() throws Exception {
    Path strace = Requirements.requireTool("strace");
    Path tree = Files.createDirectories(BTRFS.root().resolve("tree/etc"));
    Files.writeString(tree.resolve("marker"), "flushed");
    Path archive = BTRFS.root().resolve("tree.tar");
    Commands.run("tar", "-cf", archive.toString(), "-C", tree.getParent().toString(), ".");
    Path pool = Files.createDirectories(BTRFS.root().resolve("pool"));
    Path trace = BTRFS.root().resolve("trace");
    Commands.Result imported = Commands.exec(List.of("env", "JIMG_LOCK_DIRECTORY=" + JimgRunner.LOCKS,
        strace.toString(), "-f", "-qq", "-e", "trace=ioctl,mkdirat,syncfs,fsync,fdatasync,renameat2", "-o",
        trace.toString(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--image-root=" + pool, "import-tar", archive.toString(), "img"));
    assertEquals(0, imported.exitCode(), imported.output());
    assertEquals("flushed", Files.readString(pool.resolve("img/etc/marker")));

    List<String> calls = Files.readAllLines(trace);
    int made = indexOf(calls, line -> line.contains("BTRFS_IOC_SUBVOL_CREATE") && line.contains(".#jimg-"));
    int named = indexOf(calls, line -> line.contains("renameat2(") && line.contains(", \"img\","));
    assertTrue(made >= 0 && named > made, "the trace shows the hidden subvolume made, then named: " + calls);
    assertTrue(calls.subList(made, named).stream().anyMatch(line -> line.contains("syncfs(") && line.endsWith("= 0")),
        "no syncfs between making the tree and naming it: " + calls.subList(made, named + 1));
  }

  private static int indexOf(List<String> lines, java.util.function.Predicate<String> wanted) {
    for (int i = 0; i < lines.size(); i++) {
      if (wanted.test(lines.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
