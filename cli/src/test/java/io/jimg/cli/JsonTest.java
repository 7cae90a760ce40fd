package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonGenerator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static String string(String value) {
    return Json.write(json -> json.writeString(value)).strip();
  }

  @Test
  void escapesQuotesBackslashesAndNamedControls() {
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\"", string("a\"b\\c\n\r\t\b\f"));
  }

  @Test
  void escapesOtherControlCharactersAsUnicode() {
    assertEquals("\"\\u0000\\u001f\\u007f\\u001b[2J\"", string("\u0000\u001f\u007f\u001b[2J"));
  }

  @Test
  void escapesLineSeparatorsThatJavaScriptReadsAsNewlines() {
    assertEquals("\"\\u2028\\u2029\"", string("\u2028\u2029"));
  }

  @Test
  void keepsNonAsciiAndNonBmpCharactersAsThemselves() {
    assertEquals("\"débian-🐧-中\"", string("débian-🐧-中"));
  }

  @Test
  void escapesLoneSurrogatesWhichUtf8CannotCarry() {
    assertEquals("\"a\\ud83d-\\udc27\"", string("a\ud83d-\udc27"));
  }

  @Test
  void leavesSlashesAlone() {
    assertEquals("\"/var/lib/machines\"", string("/var/lib/machines"));
  }

  @Test
  void writesNestedContainersIndented() {
    String json = Json.write(generator -> {
      generator.writeStartObject();
      generator.writeStringField("name", "deb");
      generator.writeNumberField("usage", 42L);
      generator.writeNullField("limit");
      generator.writeBooleanField("readOnly", true);
      generator.writeObjectFieldStart("empty");
      generator.writeEndObject();
      generator.writeArrayFieldStart("list");
      generator.writeString("a");
      generator.writeNumber(-1L);
      generator.writeEndArray();
      generator.writeEndObject();
    });
    assertEquals("{\n"
        + "  \"name\": \"deb\",\n"
        + "  \"usage\": 42,\n"
        + "  \"limit\": null,\n"
        + "  \"readOnly\": true,\n"
        + "  \"empty\": {},\n"
        + "  \"list\": [\n"
        + "    \"a\",\n"
        + "    -1\n"
        + "  ]\n"
        + "}\n", json);
  }

  @Test
  void writesAnEmptyArray() {
    assertEquals("[]\n", Json.write(json -> {
      json.writeStartArray();
      json.writeEndArray();
    }));
  }

  @Test
  void everyStringRoundTripsThroughAStrictReader() {
    Random random = new Random(20261129);
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        switch (random.nextInt(4)) {
          case 0 -> s.append((char) random.nextInt(0x80));
          case 1 -> s.append((char) random.nextInt(0x800));
          case 2 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000));
          default -> s.append("\"\\/\u2028\u007f\u009f".charAt(random.nextInt(6)));
        }
      }
      String original = s.toString();
      String json = Json.write(generator -> {
        generator.writeStartObject();
        generator.writeStringField(original, original);
        generator.writeEndObject();
      });
      assertEquals(Map.of(original, original), JsonReader.parse(json), json);
    }
  }

  @Test
  void refusesMisuse() {
    assertThrows(IllegalStateException.class, () -> Json.write(JsonGenerator::writeStartObject));
    assertThrows(IllegalStateException.class, () -> Json.write(json -> json.writeFieldName("x")));
    assertThrows(IllegalStateException.class, () -> Json.write(JsonGenerator::writeEndArray));
  }
}
