package io.jimg.transfer.pull;

import io.jimg.transfer.verify.Gnupg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small images made with GNU tar, and releases of them as a publisher makes them: SHA256SUMS and its signature. */
public final class TestImages {
  public static final String MARKER = "etc/jimg-test-marker";

  private TestImages() {}

  /** A tarball of a tiny root holding {@link #MARKER} with {@code content}; tar picks the compression from the name. */
  public static byte[] tarball(Path work, String fileName, String content) throws IOException {
    Path root = Files.createTempDirectory(work, "root-");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve(MARKER), content);
    Files.writeString(root.resolve("etc/os-release"), "ID=test\n");
    Path out = Files.createTempDirectory(work, "out-").resolve(fileName);
    FakePullStore.run("tar", "-caf", out.toString(), "-C", root.toString(), ".");
    return Files.readAllBytes(out);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  public static byte[] sums(Map<String, byte[]> files) {
    StringBuilder sums = new StringBuilder();
    files.forEach((name, bytes) -> sums.append(sha256(bytes)).append(" *").append(name).append('\n'));
    return sums.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The files a mirror serves for a signed release: each file, SHA256SUMS and SHA256SUMS.gpg. */
  public static Map<String, byte[]> signedRelease(Gnupg gpg, String signer, Map<String, byte[]> files)
      throws IOException {
    Map<String, byte[]> release = new LinkedHashMap<>(files);
    byte[] sums = sums(files);
    release.put("SHA256SUMS", sums);
    release.put("SHA256SUMS.gpg", gpg.detachSign(signer, sums, null, false));
    return release;
  }
}
