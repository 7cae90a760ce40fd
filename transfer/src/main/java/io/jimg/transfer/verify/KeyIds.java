package io.jimg.transfer.verify;

import java.util.Locale;

/** Key ids as GnuPG prints them (16 upper-case hex digits). */
final class KeyIds {
  private KeyIds() {}

  static String format(long keyId) {
    return String.format(Locale.ROOT, "%016X", keyId);
  }
}
