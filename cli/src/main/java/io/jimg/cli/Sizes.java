package io.jimg.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** Sizes as people type and read them: suffixes K, M, G, T, P, E in powers of 1024, as systemd's tools use them. */
final class Sizes {
  private Sizes() {}

  private static final String SUFFIXES = "KMGTPE";

  /** What {@code set-limit} takes to clear a limit. */
  static final long NONE = -1;

  /**
   * Parses {@code 4096}, {@code 100M}, {@code 1.5G}, {@code 20GiB}, {@code 512B}; {@code none} or
   * {@code infinity} give {@link #NONE}. Anything else is an {@link IllegalArgumentException} with a message
   * that says what is accepted.
   */
  static long parse(String text) {
    String s = text.trim();
    if (s.equalsIgnoreCase("none") || s.equalsIgnoreCase("infinity")) {
      return NONE;
    }
    int end = s.length();
    String upper = s.toUpperCase(Locale.ROOT);
    if (upper.endsWith("IB")) {
      end -= 2;
    } else if (upper.endsWith("B")) {
      end -= 1;
    }
    int shift = 0;
    if (end > 0 && SUFFIXES.indexOf(upper.charAt(end - 1)) >= 0) {
      shift = 10 * (SUFFIXES.indexOf(upper.charAt(end - 1)) + 1);
      end--;
    } else if (end < s.length() - 1) {
      throw invalid(text); // "iB" without a unit
    }
    String number = s.substring(0, end);
    if (!number.matches(shift == 0 ? "[0-9]+" : "[0-9]+(\\.[0-9]+)?")) {
      throw invalid(text);
    }
    BigInteger bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(2).pow(shift)).toBigInteger();
    if (bytes.bitLength() > 63) {
      throw new IllegalArgumentException("size too large: '" + text + "'");
    }
    return bytes.longValueExact();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid size '" + text + "': expected bytes or a number with K, M, G or T (powers of 1024), or 'none'");
  }

  /**
   * A size in the largest unit it reaches with one decimal, truncated as systemd's format_bytes does:
   * {@code 512B}, {@code 4.0K}, {@code 178.3M}; {@code -} for an unknown (negative) size.
   */
  static String format(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    if (bytes < 1024) {
      return bytes + "B";
    }
    int unit = 0;
    long factor = 1024;
    while (unit + 1 < SUFFIXES.length() && bytes / 1024 >= factor) {
      factor *= 1024;
      unit++;
    }
    long whole = bytes / factor;
    // remainder * 10 stays below 2^64 even for exbibytes: divide it as unsigned.
    long tenth = Long.divideUnsigned((bytes % factor) * 10, factor);
    return whole + "." + tenth + SUFFIXES.charAt(unit);
  }
}
