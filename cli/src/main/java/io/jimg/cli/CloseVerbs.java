package io.jimg.cli;

import java.util.Collection;
import java.util.List;

/**
 * The verbs a mistyped word could have meant: those a typo or two away (edit distance, a swap of neighbours
 * counting as one) and those the word begins; none where nothing is close, rather than a guess that misleads.
 */
final class CloseVerbs {
  private CloseVerbs() {}

  static List<String> to(String typed, Collection<String> verbs) {
    // A short word is a typo's distance from too many verbs: "rm" is two edits from "run".
    int allowed = Math.min(2, typed.length() / 3);
    return verbs.stream()
        .filter(verb -> distance(typed, verb) <= allowed || typed.length() >= 3 && verb.startsWith(typed))
        .sorted()
        .toList();
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent characters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
