package io.jimg.transfer.oci;

/** Text from a file or a user that a message quotes: bounded and printable, so that a message stays one line. */
final class Untrusted {
  private Untrusted() {}

  private static final int SHOWN_MAX = 100;

  static String shown(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < text.length() && i < SHOWN_MAX; i++) {
      char c = text.charAt(i);
      shown.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return text.length() > SHOWN_MAX ? shown + "…" : shown.toString();
  }
}
