package io.jimg.library;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JimgTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  @Test
  void manyThreadsAtOnceGetOneStoreOnePreparedRootsAndOneProvisioner() throws Exception {
    Path base = EXT4.newDirectory("root-");
    Jimg jimg = Jimg.builder().imageRoot(base.resolve("machines")).imageLockDirectory(base.resolve("locks")).build();
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    Set<Object> stores = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    Set<Object> prepared = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    Set<Object> provisioners = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    List<Thread> started = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
          prepared.add(jimg.roots().prepared());
          provisioners.add(jimg.roots().provisioner());
          stores.add(jimg.images());
          jimg.images().list(false);
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }

    assertEquals(List.of(), failures);
    assertEquals(1, stores.size());
    assertEquals(1, prepared.size());
    assertEquals(1, provisioners.size());
  }
}
