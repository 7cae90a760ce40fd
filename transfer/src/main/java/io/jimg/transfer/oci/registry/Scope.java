package io.jimg.transfer.oci.registry;

import java.util.List;

/**
 * What a request needs a token for, as token servers take it: {@code repository:NAME:pull} or
 * {@code repository:NAME:pull,push}, and for a mount also the pull of the repository mounted from.
 */
record Scope(List<String> entries) {
  Scope {
    entries = List.copyOf(entries);
  }

  static Scope pull(String repository) {
    return new Scope(List.of("repository:" + repository + ":pull"));
  }

  static Scope push(String repository) {
    return new Scope(List.of("repository:" + repository + ":pull,push"));
  }

  Scope and(Scope other) {
    return new Scope(java.util.stream.Stream.concat(entries.stream(), other.entries.stream()).toList());
  }

  /** The key tokens are cached under. */
  String key() {
    return String.join(" ", entries);
  }
}
