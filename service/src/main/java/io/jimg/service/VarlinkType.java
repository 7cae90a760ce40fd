package io.jimg.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A type of the Varlink interface language: the built-in ones, arrays ({@code []T}), string-keyed maps
 * ({@code [string]T}), optional values ({@code ?T}), enums, structs, and names of types the interface declares.
 */
sealed interface VarlinkType {
  enum Builtin implements VarlinkType {
    BOOL("bool"), INT("int"), FLOAT("float"), STRING("string"), OBJECT("object");

    final String keyword;

    Builtin(String keyword) {
      this.keyword = keyword;
    }
  }

  record Array(VarlinkType element) implements VarlinkType {}

  record StringMap(VarlinkType value) implements VarlinkType {}

  record Optional(VarlinkType inner) implements VarlinkType {}

  record Enum(Set<String> values) implements VarlinkType {}

  /** Fields in declaration order. */
  record Struct(Map<String, VarlinkType> fields) implements VarlinkType {
    static final Struct EMPTY = new Struct(new LinkedHashMap<>());
  }

  /** A reference to a {@code type} of the same interface, resolved when checking. */
  record Named(String name) implements VarlinkType {}
}
