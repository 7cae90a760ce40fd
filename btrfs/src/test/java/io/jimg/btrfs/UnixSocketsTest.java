package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AF_UNIX sockets through libc: binding safely, peer credentials, descriptors beside bytes, waking blocked calls. */
class UnixSocketsTest {
  private static final byte[] NAME = NativeTesting.bytes("service.sock");

  @TempDir Path directory;

  @Test
  void aBoundSocketHasMode0666AndThePeerIsThisProcess() throws Exception {
    try (Fd dir = Fd.openDirectory(directory); Fd listening = UnixSockets.listen(dir, NAME, 0666, 8);
        Fd client = UnixSockets.connect(directory.resolve("service.sock"));
        Fd accepted = UnixSockets.accept(listening)) {
      Stat stat = dir.stat(NAME);
      assertEquals(Linux.S_IFSOCK, stat.type());
      assertEquals(0666, stat.permissions());
      UnixSockets.Peer self = new UnixSockets.Peer((int) ProcessHandle.current().pid(),
          (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
          (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid"));
      assertEquals(self, UnixSockets.peer(accepted));
      assertEquals(self, UnixSockets.peer(client));
      assertTrue(UnixSockets.isListeningStream(listening));
      assertTrue(!UnixSockets.isListeningStream(accepted), "a connection does not listen");
    }
  }

  @Test
  void descriptorsCrossBesideTheBytesTheyWereSentWith() throws Exception {
    Files.writeString(directory.resolve("data"), "passed");
    try (Fd dir = Fd.openDirectory(directory); Fd listening = UnixSockets.listen(dir, NAME, 0666, 8);
        Fd client = UnixSockets.connect(directory.resolve("service.sock"));
        Fd accepted = UnixSockets.accept(listening); Fd file = dir.open("data", Linux.O_RDONLY)) {
      byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
      new SocketStream(client, 4).send(hello, 0, hello.length, List.of(file));
      List<Fd> received = new ArrayList<>();
      byte[] buffer = new byte[64];
      int n = new SocketStream(accepted, 4).receive(buffer, 0, buffer.length, received);
      assertEquals("hello", new String(buffer, 0, n, StandardCharsets.US_ASCII));
      assertEquals(1, received.size());
      try (Fd passed = received.get(0)) {
        assertEquals(6, passed.pread(buffer, 64, 0));
        assertEquals("passed", new String(buffer, 0, 6, StandardCharsets.US_ASCII));
        assertTrue(descriptorFlags(passed).contains("flags:\t02"), "received with close-on-exec");
      }
    }
  }

  @Test
  void moreDescriptorsThanAllowedAreRefusedAndEveryOneClosed() throws Exception {
    Files.writeString(directory.resolve("data"), "x");
    try (Fd dir = Fd.openDirectory(directory); Fd listening = UnixSockets.listen(dir, NAME, 0666, 8);
        Fd client = UnixSockets.connect(directory.resolve("service.sock"));
        Fd accepted = UnixSockets.accept(listening)) {
      List<Fd> files = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        files.add(dir.open("data", Linux.O_RDONLY));
      }
      new SocketStream(client, 8).send(new byte[] {1}, 0, 1, files);
      files.forEach(Fd::close);
      long before = openDescriptors();
      List<Fd> received = new ArrayList<>();
      NativeException refused = assertThrows(NativeException.class,
          () -> new SocketStream(accepted, 2).receive(new byte[8], 0, 8, received));
      assertTrue(refused.is(SocketStream.TOO_MANY_DESCRIPTORS), refused.getMessage());
      assertEquals(List.of(), received);
      assertEquals(before, openDescriptors(), "the descriptors that came were closed");
    }
  }

  @Test
  void theEndOfTheStreamReadsAsZero() throws Exception {
    try (Fd dir = Fd.openDirectory(directory); Fd listening = UnixSockets.listen(dir, NAME, 0666, 8);
        Fd accepted = acceptAfterClosedClient(listening)) {
      assertEquals(0, new SocketStream(accepted, 1).receive(new byte[8], 0, 8, new ArrayList<>()));
    }
  }

  @Test
  void aStaleSocketIsReplacedButNotOneThatListensNorAnotherFile() throws Exception {
    try (Fd dir = Fd.openDirectory(directory)) {
      UnixSockets.listen(dir, NAME, 0666, 8).close(); // its file stays, nothing listens
      try (Fd listening = UnixSockets.listen(dir, NAME, 0666, 8)) {
        NativeException taken = assertThrows(NativeException.class, () -> UnixSockets.listen(dir, NAME, 0666, 8));
        assertTrue(taken.is(UnixSockets.EADDRINUSE) && taken.getMessage().contains("a service listens on it"),
            taken.getMessage());
        try (Fd client = UnixSockets.connect(directory.resolve("service.sock"))) {
          assertTrue(UnixSockets.accept(listening) != null, "the first socket still serves");
        }
      }
      Files.delete(directory.resolve("service.sock"));
      Files.writeString(directory.resolve("service.sock"), "not a socket");
      NativeException other = assertThrows(NativeException.class, () -> UnixSockets.listen(dir, NAME, 0666, 8));
      assertTrue(other.getMessage().contains("not a socket"), other.getMessage());
      assertEquals("not a socket", Files.readString(directory.resolve("service.sock")));
    }
  }

  @Test
  void shutdownWakesAThreadWaitingToAccept() throws Exception {
    try (Fd dir = Fd.openDirectory(directory); Fd listening = UnixSockets.listen(dir, NAME, 0666, 8)) {
      CompletableFuture<Fd> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return UnixSockets.accept(listening);
        } catch (NativeException e) {
          throw new IllegalStateException(e);
        }
      });
      UnixSockets.shutdown(listening); // before or during the accept: either way it returns
      assertNull(accepted.get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void socketsPassedToAnotherProcessAreNotTaken() throws Exception {
    Map<String, String> forParent = Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1", "LISTEN_FDNAMES", "jimg");
    assertEquals(List.of(), SocketActivation.listeningSockets(forParent, ProcessHandle.current().pid()));
    assertEquals(List.of(), SocketActivation.listeningSockets(Map.of(), ProcessHandle.current().pid()));
    Map<String, String> broken = Map.of("LISTEN_PID", Long.toString(ProcessHandle.current().pid()),
        "LISTEN_FDS", "many");
    assertThrows(NativeException.class, () -> SocketActivation.listeningSockets(broken,
        ProcessHandle.current().pid()));
  }

  private Fd acceptAfterClosedClient(Fd listening) throws NativeException {
    UnixSockets.connect(directory.resolve("service.sock")).close();
    return UnixSockets.accept(listening);
  }

  private static String descriptorFlags(Fd fd) throws IOException {
    return Files.readString(Path.of("/proc/self/fdinfo/" + fd.fd()));
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
