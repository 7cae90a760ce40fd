package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.transfer.pull.NginxServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A `jimg pull` process SIGKILLed in the middle of a download from a real nginx: the next pull of
 * the URL resumes it with a Range request and makes the right image, and the pool keeps no temporary.
 */
class KilledPullTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final NginxServer NGINX = new NginxServer();

  /**
   * nginx's /stall/ sends the first 1100 KiB at once, then crawls; the pull writes whole MiB buffers, so the kill
   * comes once the first MiB is on disk and the rest is still on its way.
   */
  private static final int SIZE = 1536 * 1024;
  private static final long KILL_AFTER = 1024 * 1024;
  /** Only a hung download takes this long. */
  private static final long HANG_GUARD_MINUTES = 5;

  /** The largest regular file in the pool: the partial download. */
  private static long partialSize(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).max().orElse(0);
    }
  }

  private static List<String> names(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theNextPullResumesAKilledDownloadWithRangeAndMakesTheRightImage() throws Exception {
    byte[] image = new byte[SIZE];
    new Random(18).nextBytes(image);
    Path served = Files.createDirectories(NGINX.root().resolve("stall"));
    Files.write(served.resolve("disk.raw"), image);
    String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    Files.writeString(served.resolve("SHA256SUMS"), sum + " *disk.raw\n", StandardCharsets.US_ASCII);
    String url = NGINX.url("/stall/disk.raw").toString();
    Path pool = Files.createDirectories(BTRFS.root().resolve("pool"));

    try (WatchService watch = pool.getFileSystem().newWatchService()) {
      pool.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "--image-root=" + pool, "pull-raw", "--verify=checksum", url, "disk")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("JIMG_LOCK_DIRECTORY", JimgRunner.LOCKS.toString());
      Process pull = builder.start();
      try {
        // Each write to the partial file is an inotify event: wait for the one that passes the mark.
        while (partialSize(pool) < KILL_AFTER) {
          assertTrue(pull.isAlive(), "the pull ended before the kill");
          WatchKey key = watch.poll(HANG_GUARD_MINUTES, TimeUnit.MINUTES);
          assertTrue(key != null, "the download made no progress");
          key.pollEvents();
          key.reset();
        }
      } finally {
        pull.destroyForcibly(); // SIGKILL
        pull.waitFor();
      }
      assertEquals(137, pull.exitValue(), "killed, not finished");
    }
    assertTrue(Files.notExists(pool.resolve("disk.raw")), "no image from half a download");

    JimgRunner.Result resumed = new JimgRunner().run("--image-root=" + pool, "pull-raw", "--verify=checksum", url,
        "disk");
    assertEquals(0, resumed.exitCode(), resumed::toString);
    assertArrayEquals(image, Files.readAllBytes(pool.resolve("disk.raw")));
    List<String> gets = NGINX.accessLog().stream().filter(line -> line.startsWith("GET /stall/disk.raw ")).toList();
    assertEquals(2, gets.size(), gets.toString());
    assertTrue(gets.get(0).startsWith("GET /stall/disk.raw 200 "), gets.toString());
    assertTrue(gets.get(1).matches("GET /stall/disk\\.raw 206 range=bytes=[1-9][0-9]*-"), gets.toString());
    assertEquals(List.of(), names(pool).stream().filter(n -> n.startsWith(".#") && !n.endsWith(".lck")).toList(),
        "no temporary stays in the pool");
  }
}
