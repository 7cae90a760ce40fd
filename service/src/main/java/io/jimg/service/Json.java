package io.jimg.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Varlink messages as JSON objects, read into maps, lists, strings, longs (big integers where they do not fit),
 * doubles, booleans and nulls. A message is hostile: it must be valid UTF-8 (checked strictly, before the parser
 * sees it), one object and nothing after it, no deeper than {@link #MAX_DEPTH}, without duplicate names, and
 * without NUL in any string or name (the byte ends a message; its escape would cut a C string short).
 */
final class Json {
  private Json() {}

  /** Deeper than any interface jimg serves needs, shallow enough for a small thread stack. */
  static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(100)
          .maxStringLength(Limits.MAX_MESSAGE).maxNameLength(Limits.MAX_MESSAGE)
          .maxDocumentLength(Limits.MAX_MESSAGE).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  static Map<String, Object> parseObject(byte[] bytes, int offset, int length) throws MalformedMessage {
    int invalid = Utf8.firstInvalid(bytes, offset, length);
    if (invalid >= 0) {
      throw new MalformedMessage("invalid UTF-8 at byte " + (invalid - offset));
    }
    int start = offset;
    while (start < offset + length && isSpace(bytes[start])) {
      start++;
    }
    if (start == offset + length || bytes[start] != '{') {
      throw new MalformedMessage("not a JSON object");
    }
    try (JsonParser parser = FACTORY.createParser(bytes, start, offset + length - start)) {
      parser.nextToken();
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) value(parser);
      if (parser.nextToken() != null) {
        throw new MalformedMessage("more after the JSON object");
      }
      return object;
    } catch (IOException e) {
      throw new MalformedMessage(firstLine(e.getMessage()));
    }
  }

  /** The object as JSON, followed by the NUL that ends a Varlink message. */
  static byte[] message(Map<String, Object> object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(generator, object);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    out.write(0);
    return out.toByteArray();
  }

  private static Object value(JsonParser parser) throws IOException, MalformedMessage {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new MalformedMessage("the JSON ends early");
    }
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = withoutNul(parser.currentName());
          parser.nextToken();
          object.put(name, value(parser));
        }
        return object;
      }
      case START_ARRAY: {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser));
        }
        return array;
      }
      case VALUE_STRING:
        return withoutNul(parser.getText());
      case VALUE_NUMBER_INT:
        return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue()
            : (Object) parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new MalformedMessage("unexpected " + token);
    }
  }

  private static String withoutNul(String text) throws MalformedMessage {
    if (text.indexOf('\0') >= 0) {
      throw new MalformedMessage("NUL inside a string");
    }
    return text;
  }

  private static void write(JsonGenerator generator, Object value) throws IOException {
    if (value == null) {
      generator.writeNull();
    } else if (value instanceof String string) {
      generator.writeString(string);
    } else if (value instanceof Boolean bool) {
      generator.writeBoolean(bool);
    } else if (value instanceof Double || value instanceof Float) {
      generator.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof Number number) {
      generator.writeNumber(number.longValue());
    } else if (value instanceof Map<?, ?> map) {
      generator.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        generator.writeFieldName((String) entry.getKey());
        write(generator, entry.getValue());
      }
      generator.writeEndObject();
    } else if (value instanceof List<?> list) {
      generator.writeStartArray();
      for (Object element : list) {
        write(generator, element);
      }
      generator.writeEndArray();
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static String firstLine(String message) {
    String text = message == null ? "malformed JSON" : message;
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
