package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire protocol as a client sees it, byte for byte: replies, streams, order, the standard errors. */
class ProtocolTest {
  @TempDir Path directory;
  private TestService service;

  @BeforeEach
  void start() throws Exception {
    service = new TestService(directory);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void getInfoNamesTheServiceAndEveryInterface() throws Exception {
    try (WireClient client = new WireClient(service.socket)) {
      Map<String, Object> reply = client.ask("{\"method\":\"org.varlink.service.GetInfo\"}");
      assertEquals(Map.of("parameters", Map.of("vendor", "jimg", "product", "jimg test service", "version", "0-test",
          "url", "https://example.invalid/jimg", "interfaces", List.of("io.jimg.test", "org.varlink.service"))), reply);
    }
  }

  @Test
  void getInterfaceDescriptionReturnsTheExactText() throws Exception {
    try (WireClient client = new WireClient(service.socket)) {
      Map<String, Object> reply = client.ask("{\"method\":\"org.varlink.service.GetInterfaceDescription\","
          + "\"parameters\":{\"interface\":\"io.jimg.test\"}}");
      assertEquals(Map.of("parameters", Map.of("description", TestInterface.IDL)), reply);
      assertEquals(error("org.varlink.service.InterfaceNotFound", Map.of("interface", "io.jimg.none")),
          client.ask("{\"method\":\"org.varlink.service.GetInterfaceDescription\","
              + "\"parameters\":{\"interface\":\"io.jimg.none\"}}"));
    }
  }

  @Test
  void pipelinedCallsAreAnsweredInOrderAndOnewayCallsNotAtAll() throws Exception {
    try (WireClient client = new WireClient(service.socket)) {
      client.send("{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"one\"}}\0"
          + "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"two\"},\"oneway\":true}\0"
          + "{\"method\":\"io.jimg.test.Count\",\"parameters\":{\"count\":2},\"more\":true}\0"
          + "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"three\"}}\0");
      assertEquals(Map.of("parameters", Map.of("text", "one")), client.reply());
      assertEquals(Map.of("parameters", Map.of("index", 0L), "continues", true), client.reply());
      assertEquals(Map.of("parameters", Map.of("index", 1L), "continues", true), client.reply());
      assertEquals(Map.of("parameters", Map.of("index", 2L)), client.reply());
      assertEquals(Map.of("parameters", Map.of("text", "three")), client.reply());
    }
  }

  @Test
  void typedParametersArriveAsTheyWereSent() throws Exception {
    try (WireClient client = new WireClient(service.socket)) {
      Map<String, Object> reply = client.ask("{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"é\","
          + "\"number\":-9007199254740993,\"color\":\"green\",\"ratio\":1,\"flag\":null,"
          + "\"item\":{\"name\":\"a\",\"tags\":[\"x\"],\"labels\":{\"k\":\"v\"}},\"extra\":{\"any\":[1,{}]}}}");
      assertEquals(Map.of("parameters", Map.of("text", "é", "number", -9007199254740993L, "color", "green",
          "item", Map.of("name", "a", "tags", List.of("x"), "labels", Map.of("k", "v")))), reply);
    }
  }

  @Test
  void wrongParametersAreInvalidParameterNamingTheField() throws Exception {
    try (WireClient client = new WireClient(service.socket)) {
      assertInvalid(client, "{\"text\":1}", "text");
      assertInvalid(client, "{}", "text");
      assertInvalid(client, "{\"text\":\"a\",\"unknown\":1}", "unknown");
      assertInvalid(client, "{\"text\":\"a\",\"number\":1.5}", "number");
      assertInvalid(client, "{\"text\":\"a\",\"number\":18446744073709551616}", "number");
      assertInvalid(client, "{\"text\":\"a\",\"color\":\"purple\"}", "color");
      assertInvalid(client, "{\"text\":\"a\",\"item\":{\"name\":\"n\",\"size\":\"big\"}}", "item");
      assertInvalid(client, "{\"text\":\"a\",\"item\":{\"name\":\"n\",\"other\":1}}", "item");
      assertInvalid(client, "{\"text\":\"a\",\"items\":[{\"name\":\"n\"},{}]}", "items");
      assertInvalid(client, "{\"text\":\"a\",\"item\":{\"name\":\"n\",\"labels\":{\"k\":1}}}", "item");
      assertInvalid(client, "{\"text\":\"a\",\"extra\":[]}", "extra");
      assertInvalid(client, "{\"text\":\"a\",\"flag\":\"true\"}", "flag");
    }
  }

  @Test
  void theStandardErrorsAreReturnedByName() throws Exception {
    try (WireClient client = new WireClient(service.socket)) {
      assertEquals(error("org.varlink.service.InterfaceNotFound", Map.of("interface", "io.jimg.none")),
          client.ask("{\"method\":\"io.jimg.none.Call\"}"));
      assertEquals(error("org.varlink.service.MethodNotFound", Map.of("method", "io.jimg.test.Nothing")),
          client.ask("{\"method\":\"io.jimg.test.Nothing\"}"));
      assertEquals(error("org.varlink.service.MethodNotImplemented", Map.of("method", "io.jimg.test.Missing")),
          client.ask("{\"method\":\"io.jimg.test.Missing\"}"));
      assertEquals(error("org.varlink.service.ExpectedMore", Map.of()),
          client.ask("{\"method\":\"io.jimg.test.Watch\"}"));
      assertEquals(error("org.varlink.service.InvalidParameter", Map.of("parameter", "upgrade")),
          client.ask("{\"method\":\"io.jimg.test.Change\",\"parameters\":{\"name\":\"a\"},\"upgrade\":true}"));
      assertEquals(error("io.jimg.test.NoSuchThing", Map.of("name", "x")),
          client.ask("{\"method\":\"io.jimg.test.Fail\",\"parameters\":{\"name\":\"x\"}}"));
      assertEquals(Map.of("parameters", Map.of("event", "first"), "continues", true),
          client.ask("{\"method\":\"io.jimg.test.Watch\",\"more\":true}"));
      assertEquals(Map.of("parameters", Map.of("event", "last")), client.reply());
    }
  }

  @Test
  void aMessageThatIsNoCallClosesTheConnectionAndOnlyIt() throws Exception {
    for (String bad : List.of("{\"method\":1}", "{\"parameters\":{}}", "[1]", "{\"method\":\"a.b.C\",\"x\":1}",
        "{\"method\":\"io.jimg.test.Echo\",\"oneway\":true,\"more\":true}", "{\"method\":\"a.b.C\"} {}",
        "{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"a\\u0000b\"}}",
        "{\"method\":\"io.jimg.test.Echo\",\"parameters\":[]}", "{\"method\":\"a.b.C\",\"method\":\"a.b.D\"}")) {
      try (WireClient client = new WireClient(service.socket); WireClient other = new WireClient(service.socket)) {
        assertNull(client.ask(bad), "closed after " + bad);
        assertEquals(Map.of("parameters", Map.of("text", "still")),
            other.ask("{\"method\":\"io.jimg.test.Echo\",\"parameters\":{\"text\":\"still\"}}"));
      }
    }
    assertTrue(service.log.contains("NUL inside a string"), service.log.lines().toString());
  }

  @Test
  void descriptorsPassedBesideACallReachItsHandler() throws Exception {
    Files.writeString(directory.resolve("first"), "one");
    Files.writeString(directory.resolve("second"), "two");
    try (WireClient client = new WireClient(service.socket); Fd first = Fd.open(directory.resolve("first"),
        Linux.O_RDONLY); Fd second = Fd.open(directory.resolve("second"), Linux.O_RDONLY)) {
      client.send("{\"method\":\"io.jimg.test.ReadDescriptors\"}\0".getBytes(), List.of(first, second));
      assertEquals(Map.of("parameters", Map.of("contents", List.of("one", "two"))), client.reply());
    }
  }

  private static void assertInvalid(WireClient client, String parameters, String field) throws Exception {
    assertEquals(error("org.varlink.service.InvalidParameter", Map.of("parameter", field)),
        client.ask("{\"method\":\"io.jimg.test.Echo\",\"parameters\":" + parameters + "}"), parameters);
  }

  static Map<String, Object> error(String name, Map<String, Object> parameters) {
    return Map.of("error", name, "parameters", parameters);
  }
}
