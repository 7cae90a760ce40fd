package io.jimg.transfer.http;

/**
 * Entity tags as RFC 9110 (section 8.8.3) spells them, {@code [W/]"<etagc>*"} with etagc = %x21 / %x23-7E, and no
 * longer than {@link #MAX}: only such a tag is kept, and only such a tag goes back to a server (If-None-Match,
 * If-Range). obs-text (bytes 0x80-0xFF), which the grammar tolerates, is refused too: OkHttp sends header values
 * in ASCII only and throws on any other, so one such tag kept would break every later pull of its URL.
 */
final class EntityTags {
  /** Far above the tags servers send (a hash, a size and a time); a longer one is no tag jimg keeps. */
  static final int MAX = 1024;

  private EntityTags() {}

  /** The tag where it is well formed; null otherwise: a malformed tag counts as none. */
  static String valid(String tag) {
    if (tag == null || tag.length() > MAX) {
      return null;
    }
    int start = tag.startsWith("W/") ? 2 : 0;
    if (tag.length() < start + 2 || tag.charAt(start) != '"' || tag.charAt(tag.length() - 1) != '"') {
      return null;
    }
    for (int i = start + 1; i < tag.length() - 1; i++) {
      char c = tag.charAt(i);
      if (c < 0x21 || c == '"' || c > 0x7e) {
        return null;
      }
    }
    return tag;
  }

  /** The tag where it is well formed and strong (If-Range takes no weak one); null otherwise. */
  static String strong(String tag) {
    String valid = valid(tag);
    return valid == null || valid.startsWith("W/") ? null : valid;
  }
}
