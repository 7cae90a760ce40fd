package io.jimg.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Varlink interface language, as varlink.org's grammar defines it: {@code interface NAME} followed by
 * {@code type}, {@code method} and {@code error} members, {@code #} comments to the end of a line. Only jimg's
 * own descriptions are parsed, but a mistake in one must fail at registration and not at a client.
 */
final class IdlParser {
  private static final Pattern INTERFACE_NAME =
      Pattern.compile("[A-Za-z](-*[A-Za-z0-9])*(\\.[A-Za-z0-9](-*[A-Za-z0-9])*)+");
  private static final Pattern MEMBER_NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z](_?[A-Za-z0-9])*");

  private final String text;
  private int at;

  IdlParser(String text) {
    this.text = text;
  }

  InterfaceDescription parseInterface() {
    expectWord("interface");
    String name = word();
    require(INTERFACE_NAME.matcher(name).matches(), "not an interface name: " + name);
    Map<String, VarlinkType> types = new LinkedHashMap<>();
    Map<String, InterfaceDescription.Signature> methods = new LinkedHashMap<>();
    Map<String, VarlinkType.Struct> errors = new LinkedHashMap<>();
    Set<String> members = new LinkedHashSet<>();
    while (!atEnd()) {
      String keyword = word();
      String member = word();
      require(MEMBER_NAME.matcher(member).matches(), "not a member name: " + member);
      require(members.add(member), "declared twice: " + member);
      switch (keyword) {
        case "type" -> types.put(member, structOrEnum());
        case "method" -> {
          VarlinkType.Struct input = struct();
          expect("->");
          methods.put(member, new InterfaceDescription.Signature(input, struct()));
        }
        case "error" -> errors.put(member, struct());
        default -> throw error("expected type, method or error, found " + keyword);
      }
    }
    require(!members.isEmpty(), "an interface without members");
    InterfaceDescription description = new InterfaceDescription(name, text, types, methods, errors);
    new TypeResolution(types).checkAll(description);
    return description;
  }

  private VarlinkType.Struct struct() {
    VarlinkType type = structOrEnum();
    if (type instanceof VarlinkType.Struct struct) {
      return struct;
    }
    throw error("expected a struct, found an enum");
  }

  private VarlinkType structOrEnum() {
    expect("(");
    if (accept(")")) {
      return VarlinkType.Struct.EMPTY;
    }
    String first = word();
    require(FIELD_NAME.matcher(first).matches(), "not a field name: " + first);
    if (accept(":")) {
      Map<String, VarlinkType> fields = new LinkedHashMap<>();
      fields.put(first, type());
      while (accept(",")) {
        String field = word();
        require(FIELD_NAME.matcher(field).matches(), "not a field name: " + field);
        expect(":");
        require(fields.put(field, type()) == null, "field declared twice: " + field);
      }
      expect(")");
      return new VarlinkType.Struct(fields);
    }
    Set<String> values = new LinkedHashSet<>(List.of(first));
    while (accept(",")) {
      String value = word();
      require(FIELD_NAME.matcher(value).matches(), "not an enum value: " + value);
      require(values.add(value), "enum value declared twice: " + value);
    }
    expect(")");
    return new VarlinkType.Enum(values);
  }

  private VarlinkType type() {
    if (accept("?")) {
      require(!peek("?"), "an optional type cannot be optional again");
      return new VarlinkType.Optional(type());
    }
    if (accept("[")) {
      if (accept("]")) {
        return new VarlinkType.Array(type());
      }
      expectWord("string");
      expect("]");
      return new VarlinkType.StringMap(type());
    }
    if (peek("(")) {
      return structOrEnum();
    }
    String name = word();
    for (VarlinkType.Builtin builtin : VarlinkType.Builtin.values()) {
      if (builtin.keyword.equals(name)) {
        return builtin;
      }
    }
    require(MEMBER_NAME.matcher(name).matches(), "not a type: " + name);
    return new VarlinkType.Named(name);
  }

  // ---- tokens ----

  private void skipSpaceAndComments() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '#') {
        while (at < text.length() && text.charAt(at) != '\n') {
          at++;
        }
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        at++;
      } else {
        return;
      }
    }
  }

  private boolean atEnd() {
    skipSpaceAndComments();
    return at >= text.length();
  }

  private String word() {
    skipSpaceAndComments();
    int start = at;
    while (at < text.length() && isWordCharacter(text.charAt(at))) {
      at++;
    }
    if (start == at) {
      throw error(at < text.length() ? "unexpected '" + text.charAt(at) + "'" : "unexpected end");
    }
    return text.substring(start, at);
  }

  private static boolean isWordCharacter(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-');
  }

  private boolean peek(String token) {
    skipSpaceAndComments();
    return text.startsWith(token, at);
  }

  private boolean accept(String token) {
    if (peek(token)) {
      at += token.length();
      return true;
    }
    return false;
  }

  private void expect(String token) {
    require(accept(token), "expected '" + token + "'");
  }

  private void expectWord(String keyword) {
    String found = word();
    require(found.equals(keyword), "expected " + keyword + ", found " + found);
  }

  private void require(boolean condition, String problem) {
    if (!condition) {
      throw error(problem);
    }
  }

  private IllegalArgumentException error(String problem) {
    int line = 1;
    for (int i = 0; i < Math.min(at, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return new IllegalArgumentException("interface description, line " + line + ": " + problem);
  }

  /** Checks that every named type an interface uses is one it declares. */
  private record TypeResolution(Map<String, VarlinkType> declared) {
    void checkAll(InterfaceDescription description) {
      List<VarlinkType> roots = new ArrayList<>(declared.values());
      description.methods().values().forEach(signature -> {
        roots.add(signature.input());
        roots.add(signature.output());
      });
      roots.addAll(description.errors().values());
      roots.forEach(this::check);
    }

    private void check(VarlinkType type) {
      if (type instanceof VarlinkType.Named named) {
        if (!declared.containsKey(named.name())) {
          throw new IllegalArgumentException("interface description: type " + named.name() + " is not declared");
        }
      } else if (type instanceof VarlinkType.Array array) {
        check(array.element());
      } else if (type instanceof VarlinkType.StringMap map) {
        check(map.value());
      } else if (type instanceof VarlinkType.Optional optional) {
        check(optional.inner());
      } else if (type instanceof VarlinkType.Struct struct) {
        struct.fields().values().forEach(this::check);
      }
    }
  }
}
