package io.jimg.transfer.verify;

import io.jimg.images.JimgException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A checksum file as systemd-pull reads it: {@code SHA256SUMS} with {@code <hex> *name}, {@code <hex>  name} or
 * {@code <hex> name} lines, or a per-file {@code <file>.sha256} that may hold a bare {@code <hex>} line. Names
 * match byte for byte, lines are counted only where they start a line and end with a newline (as systemd-pull's
 * search for {@code "<hex> *name\n"} does), and hex digests are lower case as sha256sum writes them.
 *
 * <p>A line of SHA256SUMS ties its digest to a name, so a signed SHA256SUMS vouches for each file under its own
 * name only. A bare digest in a per-file checksum names no file: signed, it vouches for whatever file it is
 * served beside, and a signed checksum of an older or other image can be replayed as this one. jimg still takes
 * the bare form, as systemd-pull does, but says so ({@link #warnings}); a per-file line that names a file must
 * name the file pulled.
 */
public final class ChecksumFile {
  /** systemd-pull refuses checksum files and signatures larger than this. */
  public static final int MAX_SIZE = 1024 * 1024;

  private static final byte[][] SEPARATORS = {{' ', '*'}, {' ', ' '}, {' '}};
  private static final int SHOWN_NAME_MAX = 200;

  private final byte[] content;
  private final String source;
  /** The one file a per-file checksum speaks for; null for SHA256SUMS. */
  private final String perFileName;

  private ChecksumFile(byte[] content, String source, String perFileName) {
    this.content = content;
    this.source = source;
    this.perFileName = perFileName;
  }

  /** A {@code SHA256SUMS} file; {@code source} names it in messages. */
  public static ChecksumFile sums(byte[] content, String source) throws JimgException {
    return new ChecksumFile(checkSize(content, source), source, null);
  }

  /**
   * The per-file {@code <fileName>.sha256}. Refused where a line names another file: that digest is another
   * file's, whatever file it was served beside.
   */
  public static ChecksumFile perFile(byte[] content, String source, String fileName) throws JimgException {
    ChecksumFile file = new ChecksumFile(checkSize(content, source), source, fileName);
    byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
    for (byte[] line : file.lines()) {
      String other = otherName(line, name);
      if (other != null) {
        throw new JimgException(JimgException.Reason.VERIFICATION, "" + source + " gives the SHA-256 of "
            + shown(other) + ", not of " + fileName + ": a per-file checksum speaks only for the file it names");
      }
    }
    return file;
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

  /**
   * What a person should know about how weakly the file ties its digests to names: that a per-file checksum
   * gives a bare digest, which names no file. Empty where every digest is tied to a name.
   */
  public List<String> warnings() {
    if (perFileName == null) {
      return List.of();
    }
    for (byte[] line : lines()) {
      if (line.length == 64 && isLowerHex(line, 64)) {
        return List.of(source + " gives a bare digest that names no file: it is taken as " + perFileName
            + "'s, but would vouch as well for any file served in its place ('<digest>  " + perFileName
            + "' or SHA256SUMS ties a digest to its name)");
      }
    }
    return List.of();
  }

  /**
   * Every digest the file gives for {@code fileName}, lower-case hex; empty where the name is absent. A per-file
   * checksum gives digests only for its own file.
   */
  public Set<String> digestsFor(String fileName) {
    Set<String> digests = new LinkedHashSet<>();
    if (perFileName != null && !perFileName.equals(fileName)) {
      return digests;
    }
    byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
    for (byte[] line : lines()) {
      String digest = digestOfLine(line, name);
      if (digest != null) {
        digests.add(digest);
      }
    }
    return digests;
  }

  /** The complete lines, without their newlines; a last line without one does not count. */
  private List<byte[]> lines() {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        lines.add(Arrays.copyOfRange(content, start, i));
        start = i + 1;
      }
    }
    return lines;
  }

  private String digestOfLine(byte[] line, byte[] name) {
    if (line.length < 64 || !isLowerHex(line, 64)) {
      return null;
    }
    String digest = new String(line, 0, 64, StandardCharsets.US_ASCII);
    if (perFileName != null && line.length == 64) {
      return digest;
    }
    return names(line, name) ? digest : null;
  }

  /** Whether {@code line}, after its digest, names exactly {@code name} in one of the three forms. */
  private static boolean names(byte[] line, byte[] name) {
    for (byte[] separator : SEPARATORS) {
      if (line.length == 64 + separator.length + name.length
          && Arrays.equals(line, 64, 64 + separator.length, separator, 0, separator.length)
          && Arrays.equals(line, 64 + separator.length, line.length, name, 0, name.length)) {
        return true;
      }
    }
    return false;
  }

  /** The name a digest line gives where it is not {@code name}, as sha256sum reads it; null otherwise. */
  private static String otherName(byte[] line, byte[] name) {
    if (line.length <= 65 || !isLowerHex(line, 64) || line[64] != ' ' || names(line, name)) {
      return null;
    }
    int start = line[65] == '*' || line[65] == ' ' ? 66 : 65;
    return start < line.length ? new String(line, start, line.length - start, StandardCharsets.UTF_8) : null;
  }

  /** A name from the file, cut short: it is hostile input and may be a megabyte long. */
  private static String shown(String name) {
    return name.length() <= SHOWN_NAME_MAX ? name : name.substring(0, SHOWN_NAME_MAX) + "...";
  }

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
