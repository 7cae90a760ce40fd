package io.jimg.service;

import java.util.Map;

/**
 * A parsed Varlink interface: its name, its exact text (what GetInterfaceDescription returns), and its types,
 * methods and errors by name.
 */
record InterfaceDescription(String name, String text, Map<String, VarlinkType> types,
    Map<String, Signature> methods, Map<String, VarlinkType.Struct> errors) {

  /** A method's input and output. */
  record Signature(VarlinkType.Struct input, VarlinkType.Struct output) {}

  /** Parses {@code text}; an {@link IllegalArgumentException} says where it is wrong. */
  static InterfaceDescription parse(String text) {
    return new IdlParser(text).parseInterface();
  }
}
