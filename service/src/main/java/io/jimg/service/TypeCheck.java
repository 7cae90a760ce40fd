package io.jimg.service;

import java.util.List;
import java.util.Map;

/**
 * Whether a JSON value, as {@link Json} reads it, has a Varlink type: so that a handler gets only well-typed
 * parameters, and a reply or error the service sends matches the interface its client introspected. A field of a
 * struct that the type does not declare is a mismatch; so is a missing one that is not optional.
 */
final class TypeCheck {
  private final Map<String, VarlinkType> declared;

  TypeCheck(InterfaceDescription description) {
    this.declared = description.types();
  }

  /**
   * The first field of {@code parameters}, by the struct's order and then the unknown ones, whose value does not
   * have its type; null where all do. The name is of the top-level field, as InvalidParameter reports it.
   */
  String firstMismatch(VarlinkType.Struct struct, Map<String, Object> parameters) {
    for (Map.Entry<String, VarlinkType> field : struct.fields().entrySet()) {
      if (!matches(field.getValue(), parameters.get(field.getKey()))) {
        return field.getKey();
      }
    }
    for (String name : parameters.keySet()) {
      if (!struct.fields().containsKey(name)) {
        return name;
      }
    }
    return null;
  }

  boolean matches(VarlinkType type, Object value) {
    if (type instanceof VarlinkType.Optional optional) {
      return value == null || matches(optional.inner(), value);
    }
    if (value == null) {
      return false;
    }
    if (type instanceof VarlinkType.Builtin builtin) {
      return switch (builtin) {
        case BOOL -> value instanceof Boolean;
        case INT -> value instanceof Long || value instanceof Integer || value instanceof Short;
        case FLOAT -> value instanceof Number;
        case STRING -> value instanceof String;
        case OBJECT -> value instanceof Map;
      };
    }
    if (type instanceof VarlinkType.Named named) {
      return matches(declared.get(named.name()), value);
    }
    if (type instanceof VarlinkType.Enum enumeration) {
      return value instanceof String string && enumeration.values().contains(string);
    }
    if (type instanceof VarlinkType.Array array) {
      if (!(value instanceof List<?> list)) {
        return false;
      }
      for (Object element : list) {
        if (!matches(array.element(), element)) {
          return false;
        }
      }
      return true;
    }
    if (type instanceof VarlinkType.StringMap map) {
      if (!(value instanceof Map<?, ?> entries)) {
        return false;
      }
      for (Object element : entries.values()) {
        if (!matches(map.value(), element)) {
          return false;
        }
      }
      return true;
    }
    VarlinkType.Struct struct = (VarlinkType.Struct) type;
    if (!(value instanceof Map<?, ?> entries)) {
      return false;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) entries;
    return firstMismatch(struct, fields) == null;
  }
}
