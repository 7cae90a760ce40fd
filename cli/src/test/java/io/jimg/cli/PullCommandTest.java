package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull verbs from a file: mirror, checked against its SHA256SUMS. */
class PullCommandTest {
  @TempDir Path mirror;
  @TempDir Path pool;

  private byte[] publish(String fileName) throws Exception {
    byte[] image = "a raw disk\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
    Files.write(mirror.resolve(fileName), image);
    String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    Files.writeString(mirror.resolve("SHA256SUMS"), sum + " *" + fileName + "\n");
    return image;
  }

  private JimgRunner.Result pull(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--image-root=" + pool;
    all[1] = "pull-raw";
    System.arraycopy(args, 0, all, 2, args.length);
    return runner().run(all);
  }

  JimgRunner runner() {
    return new JimgRunner();
  }

  @Test
  void pullsAVerifiedRawImageAndWarnsThatAChecksumProvesNoAuthor() throws Exception {
    byte[] image = publish("disk.raw");
    JimgRunner.Result result = pull("--verify=checksum", mirror.resolve("disk.raw").toUri().toString());
    assertEquals(0, result.exitCode(), result.toString());
    assertArrayEquals(image, Files.readAllBytes(pool.resolve("disk.raw")));
    assertTrue(result.out().startsWith("Pulled disk (SHA-256 "), result.toString());
    assertTrue(result.err().contains("not who made it"), result.toString());
  }

  @Test
  void exitsWith5AndMakesNothingWhenTheChecksumDiffers() throws Exception {
    publish("disk.raw");
    Files.writeString(mirror.resolve("disk.raw"), "appended", java.nio.file.StandardOpenOption.APPEND);
    JimgRunner.Result result = pull("--verify=checksum", mirror.resolve("disk.raw").toUri().toString(), "victim");
    assertEquals(5, result.exitCode(), result.toString());
    assertTrue(result.err().contains("\njimg: checksum mismatch for disk.raw: "), result.toString());
    assertFalse(Files.exists(pool.resolve("victim.raw")));
  }

  @Test
  void refusesAnUnknownVerifyMode() {
    JimgRunner.Result result = pull("--verify=maybe", "file:///nonexistent/disk.raw");
    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(result.err().contains("--verify takes signature, checksum, no or a SHA-256"), result.toString());
  }
}
