package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names as the kernel sees them: bytes. A Java String cannot carry a name that is not valid UTF-8,
 * so names cross the native layer as byte arrays and become text only to be shown to a person.
 */
public final class FileNames {
  private FileNames() {}

  /** The longest name one path component may have. */
  public static final int NAME_MAX = 255;

  public static byte[] bytes(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the bytes are valid UTF-8. */
  public static boolean isUtf8(byte[] name) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      decoder.decode(ByteBuffer.wrap(name));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Text for a person: valid UTF-8 as it is, every other byte as {@code \xNN}. Never parse this back. */
  public static String show(byte[] name) {
    if (isAscii(name)) {
      return new String(name, StandardCharsets.US_ASCII); // nearly every name: no decoder needed
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(name);
    CharBuffer out = CharBuffer.allocate(name.length * 4 + 4);
    StringBuilder text = new StringBuilder(name.length);
    while (true) { // at least one decode, even of an empty name: flush() refuses a decoder that never decoded
      var result = decoder.decode(in, out, true);
      out.flip();
      text.append(out);
      out.clear();
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          text.append(String.format("\\x%02x", in.get() & 0xff));
        }
      } else if (result.isUnderflow()) {
        break;
      }
    }
    decoder.flush(out);
    out.flip();
    text.append(out);
    return text.toString();
  }

  private static boolean isAscii(byte[] name) {
    for (byte b : name) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** The display path of {@code name} inside a directory shown as {@code parent}. */
  static String child(String parent, byte[] name) {
    return parent.endsWith("/") ? parent + show(name) : parent + "/" + show(name);
  }

  static boolean isDotOrDotDot(byte[] name) {
    return (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
  }
}
