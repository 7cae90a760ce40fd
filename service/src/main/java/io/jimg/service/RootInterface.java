package io.jimg.service;

import io.jimg.library.Jimg;
import io.jimg.runtime.PreparedRoot;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * io.jimg.Root over the root's prepared roots: an ephemeral root held for as long as its call is open. The hang-up
 * of the client is the only end of the call, so the root is removed the moment the client's connection closes,
 * whether it closed it or died; a service that dies first leaves the root to the next command's sweep.
 */
final class RootInterface {
  private static final String NO_SUCH_IMAGE = RootIdl.NAME + ".NoSuchImage";

  private final Jimg root;
  private final ServiceEvents events;

  RootInterface(Jimg root, ServiceEvents events) {
    this.root = root;
    this.events = events;
  }

  VarlinkInterface implementation() {
    return VarlinkInterface.describedBy(RootIdl.IDL)
        .methodRequiringMore("AcquireEphemeral", VarlinkInterface.Access.ROOT_ONLY, this::acquireEphemeral);
  }

  private void acquireEphemeral(Call call) throws VarlinkError {
    String image = (String) call.parameters().get("image");
    CountDownLatch hungUp = new CountDownLatch(1);
    try (PreparedRoot ephemeral = root.roots().prepared().ephemeral(image)) {
      events.log().log(ServiceLog.Priority.INFO, "ephemeral root " + ephemeral.path() + " of '" + image
          + "' acquired by " + call.peer());
      // A client that left before this is heard too: the watcher sees a closed socket at its first poll.
      call.onHangUp(hungUp::countDown);
      call.replyContinuing(Map.of("path", ephemeral.path().toString(),
          "name", ephemeral.path().getFileName().toString()));
      hungUp.await();
      events.log().log(ServiceLog.Priority.INFO, "ephemeral root " + ephemeral.path() + " released: its client "
          + "hung up");
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, "image");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the service is stopping: the root goes with the call
      throw VarlinkError.systemErrno(StoreErrors.EIO);
    }
    // hung up: the client is owed nothing more
  }
}
