package io.jimg.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's JSON documents, written with jackson-core's streaming generator in the layout README.md documents:
 * two-space indents, {@code "name": value}, {@code {}} and {@code []} when empty, a final newline. Strings are
 * escaped per RFC 8259 with lower-case hex; DEL, and U+2028 and U+2029 (line ends to JavaScript), are escaped too.
 * A character outside the BMP is written as itself; a lone surrogate, which UTF-8 cannot carry, as an escape.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .characterEscapes(new Escapes())
      .build();
  private static final Separators SEPARATORS = Separators.createDefaultInstance()
      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
      .withObjectEmptySeparator("")
      .withArrayEmptySeparator("");
  private static final DefaultIndenter INDENTER = new DefaultIndenter("  ", "\n");

  private Json() {}

  /** What writes one document's single value. */
  @FunctionalInterface
  interface Document {
    void writeTo(JsonGenerator json) throws IOException;
  }

  /** The finished document, with a final newline. */
  static String write(Document document) {
    // The pretty printer counts its nesting: one per document.
    return write(document, new DefaultPrettyPrinter(SEPARATORS).withObjectIndenter(INDENTER)
        .withArrayIndenter(INDENTER));
  }

  /**
   * The document on one line, {@code {"error": "...", "code": 1}}, with a final newline: for a stream that
   * carries other lines too (stderr), where a reader takes the document by its line.
   */
  static String line(Document document) {
    return write(document, new DefaultPrettyPrinter(SEPARATORS.withObjectEntrySpacing(Separators.Spacing.AFTER)
        .withArrayValueSpacing(Separators.Spacing.AFTER)).withObjectIndenter(null).withArrayIndenter(null));
  }

  private static String write(Document document, DefaultPrettyPrinter layout) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = FACTORY.createGenerator(bytes)) {
      json.setPrettyPrinter(layout);
      document.writeTo(json);
      if (!json.getOutputContext().inRoot()) {
        throw new IllegalStateException("a JSON document with containers still open");
      }
    } catch (IOException e) {
      // The bytes go to memory: only a misuse of the generator fails.
      throw new IllegalStateException(e.getMessage(), e);
    }
    return bytes.toString(StandardCharsets.UTF_8) + "\n";
  }

  private static final class Escapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

    private final int[] ascii = standardAsciiEscapesForJSON();

    Escapes() {
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      return switch (c) {
        case '\u2028' -> LINE_SEPARATOR;
        case '\u2029' -> PARAGRAPH_SEPARATOR;
        default -> null;
      };
    }
  }
}
