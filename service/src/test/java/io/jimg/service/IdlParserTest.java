package io.jimg.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The interface language: what a description declares, and the mistakes refused at registration. */
class IdlParserTest {
  @Test
  void theTestInterfaceDeclaresItsTypesMethodsAndErrors() {
    InterfaceDescription test = InterfaceDescription.parse(TestInterface.IDL);
    assertEquals("io.jimg.test", test.name());
    assertEquals(TestInterface.IDL, test.text());
    assertEquals(new VarlinkType.Enum(Set.of("red", "green", "blue")), test.types().get("Color"));
    VarlinkType.Struct item = (VarlinkType.Struct) test.types().get("Item");
    assertEquals(List.of("name", "size", "tags", "labels"), List.copyOf(item.fields().keySet()));
    assertEquals(new VarlinkType.Optional(new VarlinkType.StringMap(VarlinkType.Builtin.STRING)),
        item.fields().get("labels"));
    assertEquals(new VarlinkType.Optional(new VarlinkType.Array(new VarlinkType.Named("Item"))),
        test.methods().get("Echo").input().fields().get("items"));
    assertEquals(Map.of("name", VarlinkType.Builtin.STRING), test.errors().get("NoSuchThing").fields());
    assertEquals(Set.of("InterfaceNotFound", "MethodNotFound", "MethodNotImplemented", "InvalidParameter",
        "PermissionDenied", "ExpectedMore"), InterfaceDescription.parse(ServiceInterface.IDL).errors().keySet());
  }

  @Test
  void nestedAndAnonymousTypesParse() {
    InterfaceDescription nested = InterfaceDescription.parse("interface a.b\n"
        + "method M(x: ?[][string]?(y: int, z: (one, two))) -> ()\n");
    assertTrue(nested.methods().get("M").input().fields().get("x") instanceof VarlinkType.Optional);
  }

  @Test
  void mistakesAreRefusedWithTheirLine() {
    for (String wrong : List.of("interface a\nmethod M() -> ()", "interface a.b\nmethod M() -> (x: Unknown)",
        "interface a.b\nmethod M() -> ()\nmethod M() -> ()", "interface a.b\nmethod M(x: ??int) -> ()",
        "interface a.b\nmethod m() -> ()", "interface a.b\nmethod M(x: int, x: int) -> ()",
        "interface a.b\n", "interface a.b\nmethod M() -> (x: [int]string)", "interface a.b\nmethod M() ()",
        "interface a.b\ntype T (a, a)\n", "interface a.b\nerror E (a, b)")) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> InterfaceDescription.parse(wrong), wrong);
      assertTrue(refused.getMessage().startsWith("interface description"), refused.getMessage());
    }
  }
}
