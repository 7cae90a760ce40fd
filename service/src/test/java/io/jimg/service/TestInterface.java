package io.jimg.service;

import io.jimg.btrfs.Fd;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** io.jimg.test: one method for each way a handler answers, served by the tests' services. */
final class TestInterface {
  static final String IDL = """
      # Methods for the service's own tests.
      interface io.jimg.test

      type Color (red, green, blue)

      type Item (
      \tname: string,
      \tsize: ?int,
      \ttags: ?[]string,
      \tlabels: ?[string]string
      )

      # Returns what it was given.
      method Echo(text: string, number: ?int, ratio: ?float, flag: ?bool, color: ?Color, item: ?Item,
      \titems: ?[]Item, extra: ?object) -> (text: string, number: ?int, color: ?Color, item: ?Item)

      # Streams count replies (at most 1000), then a last one.
      method Count(count: int) -> (index: int)

      # Changes nothing, but is declared to: only root may call it.
      method Change(name: string) -> ()

      # Fails with an error of this interface.
      method Fail(name: string) -> ()

      # Answers only calls made with more.
      method Watch() -> (event: string)

      # Waits until the test lets it go.
      method Block() -> ()

      # Reads the descriptors passed beside the call.
      method ReadDescriptors() -> (contents: []string)

      # Declared and not implemented.
      method Missing() -> ()

      error NoSuchThing (name: string)
      """;

  /** Released by the test to let Block calls end. */
  final CountDownLatch unblock = new CountDownLatch(1);
  /** Counted down when a Block call has started. */
  final CountDownLatch blocking = new CountDownLatch(1);

  VarlinkInterface implementation() {
    return VarlinkInterface.describedBy(IDL)
        .method("Echo", VarlinkInterface.Access.READ_ONLY, call -> {
          Map<String, Object> reply = new LinkedHashMap<>();
          for (String field : List.of("text", "number", "color", "item")) {
            if (call.parameters().containsKey(field)) {
              reply.put(field, call.parameters().get(field));
            }
          }
          call.reply(reply);
        })
        .method("Count", VarlinkInterface.Access.READ_ONLY, call -> {
          long count = (Long) call.parameters().get("count");
          if (count > 1000) {
            throw VarlinkError.invalidParameter("count");
          }
          for (long i = 0; i < count && call.more(); i++) {
            call.replyContinuing(Map.of("index", i));
          }
          call.reply(Map.of("index", count));
        })
        .method("Change", VarlinkInterface.Access.ROOT_ONLY, call -> call.reply(Map.of()))
        .method("Fail", VarlinkInterface.Access.READ_ONLY, call -> {
          throw new VarlinkError("io.jimg.test.NoSuchThing", Map.of("name", call.parameters().get("name")));
        })
        .methodRequiringMore("Watch", VarlinkInterface.Access.READ_ONLY, call -> {
          call.replyContinuing(Map.of("event", "first"));
          call.reply(Map.of("event", "last"));
        })
        .method("Block", VarlinkInterface.Access.READ_ONLY, call -> {
          blocking.countDown();
          try {
            if (!unblock.await(5, TimeUnit.MINUTES)) {
              throw new IllegalStateException("never let go");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          call.reply(Map.of());
        })
        .method("ReadDescriptors", VarlinkInterface.Access.READ_ONLY, call -> {
          List<Object> contents = new ArrayList<>();
          for (Fd fd : call.takeDescriptors()) {
            try (fd) {
              byte[] buffer = new byte[256];
              int n = fd.pread(buffer, buffer.length, 0);
              contents.add(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
          }
          call.reply(Map.of("contents", contents));
        });
  }
}
