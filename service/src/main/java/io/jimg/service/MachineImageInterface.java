package io.jimg.service;

import io.jimg.images.CleanReport;
import io.jimg.images.Image;
import io.jimg.images.JimgException;
import io.jimg.images.Usage;
import io.jimg.library.Jimg;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * io.systemd.MachineImage over jimg's pool, answering as machined does: List with or without a name (without one it
 * streams, and answers NoSuchImage for an empty pool), Update, Clone, Remove, SetPoolLimit, CleanPool. Every call
 * goes to the library's root; List is open to every user, the rest to root.
 */
final class MachineImageInterface {
  private static final String NO_SUCH_IMAGE = MachineImageIdl.NAME + ".NoSuchImage";

  private final Jimg root;
  private final TransferAdmission admission;

  MachineImageInterface(Jimg root, TransferAdmission admission) {
    this.root = root;
    this.admission = admission;
  }

  VarlinkInterface implementation() {
    return VarlinkInterface.describedBy(MachineImageIdl.IDL)
        .method("List", VarlinkInterface.Access.READ_ONLY, this::list)
        .method("Update", VarlinkInterface.Access.ROOT_ONLY, this::update)
        .method("Clone", VarlinkInterface.Access.ROOT_ONLY, this::cloneImage)
        .method("Remove", VarlinkInterface.Access.ROOT_ONLY, this::remove)
        .method("SetPoolLimit", VarlinkInterface.Access.ROOT_ONLY, this::setPoolLimit)
        .methodRequiringMore("CleanPool", VarlinkInterface.Access.ROOT_ONLY, this::cleanPool);
  }

  private void list(Call call) throws VarlinkError {
    String name = (String) call.parameters().get("name");
    String metadata = (String) call.parameters().getOrDefault("acquireMetadata", "no");
    try {
      if (name != null) {
        call.reply(describe(root.images().show(name), metadata));
        return;
      }
      if (!call.more()) {
        throw VarlinkError.expectedMore(); // machined's answer to a listing of all without more
      }
      List<Image> images = root.images().listWithoutOrigins(false);
      if (images.isEmpty()) {
        throw new VarlinkError(NO_SUCH_IMAGE);
      }
      List<Map<String, Object>> replies = new ArrayList<>(images.size());
      for (Image image : images) {
        replies.add(describe(metadata.equals("no") ? image : withMetadata(image, metadata), metadata));
      }
      call.replyAll(replies);
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, "name");
    }
  }

  /** The image as show describes it (os-release included); where that fails, gracefully, as listed. */
  private Image withMetadata(Image listed, String metadata) throws IOException {
    try {
      return root.images().show(listed.name());
    } catch (IOException e) {
      if (metadata.equals("graceful")) {
        return listed;
      }
      throw e;
    }
  }

  private static Map<String, Object> describe(Image image, String metadata) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("name", image.name());
    reply.put("path", image.path().toString());
    reply.put("type", image.type().label());
    reply.put("class", "machine");
    reply.put("readOnly", image.readOnly());
    putMicros(reply, "creationTimestamp", image.created());
    putMicros(reply, "modificationTimestamp", image.modified());
    Usage usage = image.usage();
    if (usage != null) {
      putKnown(reply, "usage", usage.bytes());
      putKnown(reply, "usageExclusive", usage.exclusiveBytes());
      putKnown(reply, "limit", usage.limit());
      putKnown(reply, "limitExclusive", usage.exclusiveLimit());
    }
    if (!metadata.equals("no") && !image.osRelease().isEmpty()) {
      List<Object> lines = new ArrayList<>();
      image.osRelease().forEach((key, value) -> lines.add(key + "=" + value));
      reply.put("OSRelease", lines);
    }
    return reply;
  }

  private static void putMicros(Map<String, Object> reply, String field, Instant instant) {
    if (instant != null) {
      reply.put(field, instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000);
    }
  }

  private static void putKnown(Map<String, Object> reply, String field, long value) {
    if (value >= 0) {
      reply.put(field, value);
    }
  }

  /** Renames first, as machined does, then sets the flag and the limit on the image under its new name. */
  private void update(Call call) throws VarlinkError {
    String name = (String) call.parameters().get("name");
    String newName = (String) call.parameters().get("newName");
    Boolean readOnly = (Boolean) call.parameters().get("readOnly");
    Long limit = (Long) call.parameters().get("limit");
    String parameter = "name";
    try {
      root.images().show(name); // NoSuchImage before anything else is looked at
      if (newName != null) {
        parameter = "newName";
        root.images().rename(name, newName);
        name = newName;
      }
      if (readOnly != null) {
        parameter = "readOnly";
        root.images().setReadOnly(name, readOnly);
      }
      if (limit != null) {
        parameter = "limit";
        setLimit(name, limit);
      }
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, parameter);
    }
    call.reply(Map.of());
  }

  private void cloneImage(Call call) throws VarlinkError {
    String name = (String) call.parameters().get("name");
    String newName = (String) call.parameters().get("newName");
    boolean readOnly = Boolean.TRUE.equals(call.parameters().get("readOnly"));
    try {
      // As machined's limit on background operations: a clone past it is refused.
      admission.start(new VarlinkError(MachineImageIdl.NAME + ".TooManyOperations"),
          () -> root.transfers().clone(name, newName, readOnly)).await();
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, "newName");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw VarlinkError.systemErrno(StoreErrors.EIO);
    }
    call.reply(Map.of());
  }

  private void remove(Call call) throws VarlinkError {
    try {
      root.images().remove(List.of((String) call.parameters().get("name")));
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, "name");
    }
    call.reply(Map.of());
  }

  private void setPoolLimit(Call call) throws VarlinkError {
    try {
      setLimit(null, (Long) call.parameters().get("limit"));
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, "limit");
    }
    call.reply(Map.of());
  }

  /**
   * A limit in bytes; machined takes UINT64_MAX, which JSON carries as -1 here, or 0 for none. A pool or image
   * that cannot have a quota (not a btrfs subvolume) is NotSupported, as machined answers.
   */
  private void setLimit(String name, long bytes) throws IOException, VarlinkError {
    try {
      root.images().setLimit(name, bytes <= 0 ? -1 : bytes);
    } catch (JimgException e) {
      if (e.reason() == JimgException.Reason.USAGE) {
        throw new VarlinkError(MachineImageIdl.NAME + ".NotSupported");
      }
      throw e;
    }
  }

  private void cleanPool(Call call) throws VarlinkError {
    boolean all = "all".equals(call.parameters().get("mode"));
    CleanReport report;
    try {
      report = root.images().clean(all);
    } catch (IOException e) {
      throw StoreErrors.of(e, NO_SUCH_IMAGE, "mode");
    }
    List<String> removed = report.removed();
    if (removed.isEmpty()) {
      throw new VarlinkError(NO_SUCH_IMAGE);
    }
    for (int i = 0; i < removed.size() - 1; i++) {
      call.replyContinuing(Map.of("name", removed.get(i)));
    }
    call.reply(Map.of("name", removed.get(removed.size() - 1)));
  }
}
