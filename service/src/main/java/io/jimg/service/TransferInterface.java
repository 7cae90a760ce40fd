package io.jimg.service;

import io.jimg.btrfs.DescriptorInputStream;
import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.images.Cancellation;
import io.jimg.images.Image;
import io.jimg.images.JimgException;
import io.jimg.images.StoreEvent;
import io.jimg.library.ExportRequest;
import io.jimg.library.ImportRequest;
import io.jimg.library.Jimg;
import io.jimg.library.Transfer;
import io.jimg.library.TransferProgress;
import io.jimg.runtime.ProvisionResult;
import io.jimg.transfer.compress.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * io.jimg.Transfer over the root's transfers: ListTransfers and Watch for anyone; Cancel, imports, exports and
 * provisioning for root. An import or export reads or writes an absolute path, or a descriptor the client passed
 * beside the call
 * (the service then never opens a name of the client's); it streams like io.systemd.Import's Pull.
 */
final class TransferInterface {
  private static final TransferStream.Dialect DIALECT = new TransferStream.Dialect(
      TransferIdl.NAME + ".TransferFailed", TransferIdl.NAME + ".TransferCancelled", true, true);

  /** The most images one Provision makes: a bound on the names listed before any is checked. */
  static final int MAX_FLEET = 4096;

  private final Jimg root;
  private final ServiceEvents events;
  private final TransferAdmission admission;

  TransferInterface(Jimg root, ServiceEvents events, TransferAdmission admission) {
    this.root = root;
    this.events = events;
    this.admission = admission;
  }

  /** Starts a transfer within the service's bound, or refuses with TooManyTransfers. */
  private <T> Transfer<T> start(TransferAdmission.Start<T> start) throws VarlinkError {
    return admission.start(new VarlinkError(TransferIdl.NAME + ".TooManyTransfers",
        Map.of("max", (long) TransferAdmission.MAX_RUNNING)), start);
  }

  VarlinkInterface implementation() {
    return VarlinkInterface.describedBy(TransferIdl.IDL)
        .method("ListTransfers", VarlinkInterface.Access.READ_ONLY, this::listTransfers)
        .method("Cancel", VarlinkInterface.Access.ROOT_ONLY, this::cancel)
        .method("ImportTar", VarlinkInterface.Access.ROOT_ONLY, call -> importing(call, false))
        .method("ImportRaw", VarlinkInterface.Access.ROOT_ONLY, call -> importing(call, true))
        .method("ImportFileSystem", VarlinkInterface.Access.ROOT_ONLY, this::importFileSystem)
        .method("Provision", VarlinkInterface.Access.ROOT_ONLY, this::provision)
        .method("ExportTar", VarlinkInterface.Access.ROOT_ONLY, call -> exporting(call, false))
        .method("ExportRaw", VarlinkInterface.Access.ROOT_ONLY, call -> exporting(call, true))
        .methodRequiringMore("Watch", VarlinkInterface.Access.READ_ONLY, this::watch);
  }

  private void listTransfers(Call call) {
    List<Object> transfers = new ArrayList<>();
    for (Transfer<?> transfer : root.transfers().list()) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("id", transfer.id());
      info.put("type", transfer.type().toString());
      putPresent(info, "local", transfer.local());
      putPresent(info, "remote", transfer.remote());
      TransferProgress progress = transfer.progress();
      info.put("bytesDone", progress.bytesDone());
      if (progress.bytesTotal() >= 0) {
        info.put("bytesTotal", progress.bytesTotal());
      }
      progress.fraction().ifPresent(fraction -> info.put("progress", fraction));
      putPresent(info, "phase", progress.phase());
      transfers.add(info);
    }
    call.reply(Map.of("transfers", transfers));
  }

  private static void putPresent(Map<String, Object> map, String field, Object value) {
    if (value != null) {
      map.put(field, value);
    }
  }

  private void cancel(Call call) throws VarlinkError {
    long id = (Long) call.parameters().get("id");
    try {
      root.transfers().cancel(id);
    } catch (JimgException e) {
      throw new VarlinkError(TransferIdl.NAME + ".NoSuchTransfer", Map.of("id", id));
    }
    call.reply(Map.of());
  }

  private void importing(Call call, boolean raw) throws VarlinkError {
    Map<String, Object> parameters = call.parameters();
    String name = (String) parameters.get("name");
    ImportRequest options = options(call);
    Path path = path(call);
    Transfer<Image> transfer;
    if (path != null) {
      transfer = start(() -> raw ? root.transfers().importRaw(path, name, options)
          : root.transfers().importTar(path, name, options));
      call.reply(imported(transfer, TransferStream.follow(call, transfer, events, DIALECT)));
      return;
    }
    DescriptorInputStream passed = new DescriptorInputStream(descriptor(call));
    try (InputStream in = new BufferedInputStream(passed, 1 << 16)) {
      transfer = start(() -> raw ? root.transfers().importRaw(in, name, options)
          : root.transfers().importTar(in, name, options));
      // A cancel (the client hung up) must reach a read that waits on a writer who sends nothing more.
      try (Cancellation.Registration stop = transfer.cancellation().onCancel(passed::stop)) {
        call.reply(imported(transfer, TransferStream.follow(call, transfer, events, DIALECT)));
      }
    } catch (IOException e) {
      throw VarlinkError.systemErrno(StoreErrors.EIO); // closing a descriptor that was read to its end
    }
  }

  private void importFileSystem(Call call) throws VarlinkError {
    Map<String, Object> parameters = call.parameters();
    Path directory = absolute((String) parameters.get("path"));
    Transfer<Image> transfer =
        start(() -> root.transfers().importFs(directory, (String) parameters.get("name"), options(call)));
    call.reply(imported(transfer, TransferStream.follow(call, transfer, events, DIALECT)));
  }

  /** A fleet: its names are checked by the provisioner, its size here, before a list of them is made. */
  private void provision(Call call) throws VarlinkError {
    Map<String, Object> parameters = call.parameters();
    long count = (Long) parameters.get("count");
    long start = (Long) parameters.getOrDefault("start", 1L);
    if (count < 1 || count > MAX_FLEET) {
      throw VarlinkError.invalidParameter("count");
    }
    if (start < 0 || start > Integer.MAX_VALUE - count) {
      throw VarlinkError.invalidParameter("start");
    }
    Transfer<ProvisionResult> transfer = start(() -> root.transfers().provision(
        (String) parameters.get("template"), (int) count, (String) parameters.get("prefix"), (int) start));
    ProvisionResult made = TransferStream.follow(call, transfer, events, DIALECT);
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", transfer.id());
    if (made != null) {
      reply.put("names", List.copyOf(made.names()));
    }
    call.reply(reply);
  }

  private static ImportRequest options(Call call) {
    return new ImportRequest(Boolean.TRUE.equals(call.parameters().get("force")),
        Boolean.TRUE.equals(call.parameters().get("readOnly")), -1, false, false);
  }

  /** An import's final reply: its id, and its image's name where it waited for it (not oneway). */
  private static Map<String, Object> imported(Transfer<Image> transfer, Image image) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", transfer.id());
    if (image != null) {
      reply.put("name", image.name());
    }
    return reply;
  }

  private void exporting(Call call, boolean raw) throws VarlinkError {
    String name = (String) call.parameters().get("name");
    ExportRequest options = new ExportRequest(format(call), -1);
    Path path = path(call);
    Transfer<Void> transfer;
    if (path != null) {
      transfer = start(() -> raw ? root.transfers().exportRaw(name, path, options)
          : root.transfers().exportTar(name, path, options));
    } else {
      Fd descriptor = descriptor(call);
      OutputStream out = new DescriptorOutputStream(descriptor); // the export closes it
      try {
        transfer = start(() -> raw ? root.transfers().exportRaw(name, out, options)
            : root.transfers().exportTar(name, out, options));
      } catch (VarlinkError refused) {
        descriptor.close(); // no export runs to close it
        throw refused;
      }
    }
    TransferStream.follow(call, transfer, events, DIALECT);
    call.reply(Map.of("id", transfer.id()));
  }

  private static Compression format(Call call) throws VarlinkError {
    String format = (String) call.parameters().get("format");
    if (format == null) {
      return null;
    }
    try {
      return Compression.fromFormatName(format);
    } catch (JimgException e) {
      throw VarlinkError.invalidParameter("format");
    }
  }

  /**
   * The absolute path the call names, or null where it names a descriptor instead; exactly one of the two. A
   * descriptor's transfer cannot be oneway: the call's end is when the service lets the descriptor go.
   */
  private static Path path(Call call) throws VarlinkError {
    Object path = call.parameters().get("path");
    Object descriptor = call.parameters().get("fileDescriptor");
    if ((path == null) == (descriptor == null)) {
      throw VarlinkError.invalidParameter("path");
    }
    if (path == null) {
      if (call.oneway()) {
        throw VarlinkError.invalidParameter("fileDescriptor");
      }
      return null;
    }
    return absolute((String) path);
  }

  private static Path absolute(String path) throws VarlinkError {
    if (path.indexOf('\0') >= 0 || !Path.of(path).isAbsolute()) {
      throw VarlinkError.invalidParameter("path");
    }
    return Path.of(path);
  }

  /** The passed descriptor the call names by index, now this call's; the others are closed with the call. */
  private static Fd descriptor(Call call) throws VarlinkError {
    long index = (Long) call.parameters().get("fileDescriptor");
    List<Fd> passed = call.takeDescriptors();
    if (index < 0 || index >= passed.size()) {
      passed.forEach(Fd::close);
      throw VarlinkError.invalidParameter("fileDescriptor");
    }
    for (int i = 0; i < passed.size(); i++) {
      if (i != index) {
        passed.get(i).close();
      }
    }
    return passed.get((int) index);
  }

  /** Streams every store event until the client hangs up, or falls too far behind. */
  private void watch(Call call) throws VarlinkError {
    EventQueue queue = new EventQueue();
    ServiceEvents.Watcher watcher = (transfer, event) -> queue.add(Map.of("event", describe(transfer, event)));
    events.watch(watcher);
    call.onHangUp(queue::hangUp);
    try {
      // First word that the watch is in place: a client that lists the pool after it misses no change.
      call.replyContinuing(Map.of("event", Map.of("kind", "watching", "message", "watching the store's events")));
      Map<String, Object> next;
      while ((next = queue.next()) != null) {
        call.replyContinuing(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      events.unwatch(watcher);
    }
    if (queue.end() == EventQueue.End.OVERFLOWED) {
      throw new VarlinkError(TransferIdl.NAME + ".TooManyEvents");
    }
    // hung up: the client is owed nothing more
  }

  private static Map<String, Object> describe(Long transfer, StoreEvent event) {
    Map<String, Object> described = new LinkedHashMap<>();
    described.put("kind", event.kind().name().toLowerCase(Locale.ROOT));
    putPresent(described, "image", event.image());
    described.put("message", event.message());
    putPresent(described, "transfer", transfer);
    return described;
  }
}
