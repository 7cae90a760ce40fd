package io.jimg.transfer.verify;

import io.jimg.images.JimgException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A checksum file as systemd-pull reads it: {@code SHA256SUMS} with {@code <hex> *name}, {@code <hex>  name} or
 * {@code <hex> name} lines, or a per-file {@code <file>.sha256} that may hold a bare {@code <hex>} line. Names
 * match byte for byte, lines are counted only where they start a line and end with a newline (as systemd-pull's
 * search for {@code "<hex> *name\n"} does), and hex digests are lower case as sha256sum writes them.
 */
public final class ChecksumFile {
  /** systemd-pull refuses checksum files and signatures larger than this. */
  public static final int MAX_SIZE = 1024 * 1024;

  private final byte[] content;
  private final boolean perFile;
  private final String source;

  private ChecksumFile(byte[] content, boolean perFile, String source) {
    this.content = content;
    this.perFile = perFile;
    this.source = source;
  }

  /** A {@code SHA256SUMS} file; {@code source} names it in messages. */
  public static ChecksumFile sums(byte[] content, String source) throws JimgException {
    return new ChecksumFile(checkSize(content, source), false, source);
  }

  /** A per-file {@code <file>.sha256}. */
  public static ChecksumFile perFile(byte[] content, String source) throws JimgException {
    return new ChecksumFile(checkSize(content, source), true, source);
  }

  private static byte[] checkSize(byte[] content, String source) throws JimgException {
    if (content.length > MAX_SIZE) {
      throw new JimgException(JimgException.Reason.VERIFICATION,
          "" + source + ": checksum file is larger than 1 MiB (" + content.length + " bytes)");
    }
    return content.clone();
  }

  /** The exact bytes, as the detached signature covers them. */
  public byte[] bytes() {
    return content.clone();
  }

  public String source() {
    return source;
  }

  /** Every digest the file gives for {@code fileName}, lower-case hex; empty where the name is absent. */
  public Set<String> digestsFor(String fileName) {
    byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
    Set<String> digests = new LinkedHashSet<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        String digest = digestOfLine(Arrays.copyOfRange(content, start, i), name);
        if (digest != null) {
          digests.add(digest);
        }
        start = i + 1;
      }
    }
    return digests;
  }

  private String digestOfLine(byte[] line, byte[] name) {
    if (line.length < 64 || !isLowerHex(line, 64)) {
      return null;
    }
    String digest = new String(line, 0, 64, StandardCharsets.US_ASCII);
    if (perFile && line.length == 64) {
      return digest;
    }
    for (byte[] separator : SEPARATORS) {
      if (line.length == 64 + separator.length + name.length
          && Arrays.equals(line, 64, 64 + separator.length, separator, 0, separator.length)
          && Arrays.equals(line, 64 + separator.length, line.length, name, 0, name.length)) {
        return digest;
      }
    }
    return null;
  }

  private static final byte[][] SEPARATORS = {{' ', '*'}, {' ', ' '}, {' '}};

  private static boolean isLowerHex(byte[] line, int length) {
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (!(b >= '0' && b <= '9' || b >= 'a' && b <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks that the file lists {@code fileName} with exactly the digest {@code actual}. A name listed with two
   * different digests is refused, though systemd-pull would take either: one of them is a lie.
   */
  public void check(String fileName, byte[] actual) throws JimgException {
    String hex = HexFormat.of().formatHex(actual);
    Set<String> listed = digestsFor(fileName);
    if (listed.isEmpty()) {
      throw new JimgException(JimgException.Reason.VERIFICATION,
          "" + source + " lists no SHA-256 for " + fileName);
    }
    if (listed.size() > 1) {
      throw new JimgException(JimgException.Reason.VERIFICATION,
          "" + source + " lists " + listed.size() + " different SHA-256 digests for " + fileName);
    }
    if (!listed.contains(hex)) {
      throw new JimgException(JimgException.Reason.VERIFICATION,
          "checksum mismatch for " + fileName + ": " + source + " says " + listed.iterator().next()
              + ", the download is " + hex);
    }
  }
}
