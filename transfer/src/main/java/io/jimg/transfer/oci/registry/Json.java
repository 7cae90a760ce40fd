package io.jimg.transfer.oci.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A registry's JSON (manifests, configs, tokens, errors) read into maps, lists, strings, numbers, booleans and
 * nulls, with typed accessors that name the document in their errors. The bytes are hostile: their length is
 * capped by the caller (they are read at most to a cap), nesting by {@link #MAX_DEPTH}, and duplicate names are
 * refused, so that two readers of one manifest cannot see different layers.
 */
final class Json {
  private Json() {}

  /** An image's documents nest five levels or so; this leaves room without letting a document exhaust a stack. */
  static final int MAX_DEPTH = 32;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(40)
          .maxDocumentLength(Limits.MAX_DOCUMENT + 1L).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** One JSON object and nothing after it. */
  static Map<String, Object> parseObject(byte[] bytes, String what) throws JimgException {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalid(what, "not a JSON object");
      }
      Map<String, Object> object = object(parser);
      if (parser.nextToken() != null) {
        throw invalid(what, "more after the JSON object");
      }
      return object;
    } catch (JimgException e) {
      throw e;
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      throw invalid(what, message.lines().findFirst().orElse(message));
    }
  }

  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> object = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      object.put(name, value(parser));
    }
    return object;
  }

  private static Object value(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      // A number past a long is no size or count jimg could use: null, which every accessor refuses.
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
  }

  /** What writes one document. */
  interface Writing {
    void write(JsonGenerator generator) throws IOException;
  }

  /** A document as {@code writing} generates it, compact, in UTF-8. */
  static byte[] write(Writing writing) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      writing.write(generator);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  static String string(Map<String, Object> object, String name, String what) throws JimgException {
    String value = optionalString(object, name, what);
    if (value == null) {
      throw invalid(what, "no \"" + name + "\"");
    }
    return value;
  }

  static String optionalString(Map<String, Object> object, String name, String what) throws JimgException {
    Object value = object.get(name);
    if (value != null && !(value instanceof String)) {
      throw invalid(what, "\"" + name + "\" is not a string");
    }
    return (String) value;
  }

  static long number(Map<String, Object> object, String name, String what) throws JimgException {
    if (!(object.get(name) instanceof Long value)) {
      throw invalid(what, "\"" + name + "\" is not a whole number");
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> optionalObject(Map<String, Object> object, String name, String what)
      throws JimgException {
    Object value = object.get(name);
    if (value != null && !(value instanceof Map)) {
      throw invalid(what, "\"" + name + "\" is not an object");
    }
    return (Map<String, Object>) value;
  }

  /** A list of objects, at most {@code max} of them; an absent or null list is empty. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Map<String, Object> object, String name, int max, String what)
      throws JimgException {
    List<Object> list = optionalList(object, name, what);
    if (list.size() > max) {
      throw invalid(what, "more than " + max + " entries in \"" + name + "\"");
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object entry : list) {
      if (!(entry instanceof Map)) {
        throw invalid(what, "an entry of \"" + name + "\" is not an object");
      }
      objects.add((Map<String, Object>) entry);
    }
    return objects;
  }

  /** A list of strings, or null where the field is absent or null (a config's "Cmd": null). */
  static List<String> strings(Map<String, Object> object, String name, String what) throws JimgException {
    if (object.get(name) == null) {
      return null;
    }
    List<String> strings = new ArrayList<>();
    for (Object entry : optionalList(object, name, what)) {
      if (!(entry instanceof String text)) {
        throw invalid(what, "an entry of \"" + name + "\" is not a string");
      }
      strings.add(text);
    }
    return List.copyOf(strings);
  }

  /** A map of string values (annotations); an absent or null one is empty. */
  static Map<String, String> stringMap(Map<String, Object> object, String name, String what) throws JimgException {
    Map<String, Object> map = optionalObject(object, name, what);
    Map<String, String> strings = new LinkedHashMap<>();
    if (map != null) {
      for (Map.Entry<String, Object> entry : map.entrySet()) {
        if (!(entry.getValue() instanceof String text)) {
          throw invalid(what, "\"" + name + "\"." + entry.getKey() + " is not a string");
        }
        strings.put(entry.getKey(), text);
      }
    }
    return java.util.Collections.unmodifiableMap(strings);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> optionalList(Map<String, Object> object, String name, String what)
      throws JimgException {
    Object value = object.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw invalid(what, "\"" + name + "\" is not a list");
    }
    return (List<Object>) value;
  }

  static JimgException invalid(String what, String why) {
    return new JimgException(JimgException.Reason.FAILED, what + " is not valid: " + why);
  }
}
