package io.jimg.service;

import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.library.Jimg;
import io.jimg.library.Transfer;
import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.PullOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * io.systemd.Import over the root's transfers: ListTransfers (with more; NoTransfers when none runs) and Pull, which
 * streams its transfer (see {@link TransferStream}) with more, answers once at its end without, and runs on,
 * unwatched, when called oneway. Only the machine class exists in jimg's pool; the others are refused.
 */
final class ImportInterface {
  private static final Set<String> SCHEMES = Set.of("http", "https", "file");
  private static final TransferStream.Dialect DIALECT = new TransferStream.Dialect(
      ImportIdl.NAME + ".TransferFailed", ImportIdl.NAME + ".TransferCancelled", false, false);
  /** The transfer types importd knows, by the registry's names: the others (clone, provision) are jimg's own. */
  private static final Set<Transfer.Type> IMPORTD_TYPES = Set.of(Transfer.Type.IMPORT_TAR, Transfer.Type.IMPORT_RAW,
      Transfer.Type.IMPORT_FS, Transfer.Type.EXPORT_TAR, Transfer.Type.EXPORT_RAW, Transfer.Type.PULL_TAR,
      Transfer.Type.PULL_RAW);

  /** importd's answer where its table of transfers is full: the errno E2BIG its transfer_new() fails with. */
  private static final int E2BIG = 7;

  private final Jimg root;
  private final ServiceEvents events;
  private final TransferAdmission admission;
  /** The pulls running for a call that follows them, by what was asked: one download for the same request twice. */
  private final Map<PullRequest, Transfer<?>> pulls = new HashMap<>();

  /** What makes two Pull calls the same pull: everything they ask but the caller. */
  private record PullRequest(String remote, String local, PullOptions options) {}

  ImportInterface(Jimg root, ServiceEvents events, TransferAdmission admission) {
    this.root = root;
    this.events = events;
    this.admission = admission;
  }

  VarlinkInterface implementation() {
    return VarlinkInterface.describedBy(ImportIdl.IDL)
        .methodRequiringMore("ListTransfers", VarlinkInterface.Access.READ_ONLY, this::listTransfers)
        .method("Pull", VarlinkInterface.Access.ROOT_ONLY, this::pull);
  }

  private void listTransfers(Call call) throws VarlinkError {
    Object wanted = call.parameters().get("class");
    List<Map<String, Object>> replies = new ArrayList<>();
    if (wanted == null || wanted.equals("machine")) {
      for (Transfer<?> transfer : root.transfers().list()) {
        if (IMPORTD_TYPES.contains(transfer.type())) {
          replies.add(describe(transfer));
        }
      }
    }
    if (replies.isEmpty()) {
      throw new VarlinkError(ImportIdl.NAME + ".NoTransfers");
    }
    for (int i = 0; i < replies.size() - 1; i++) {
      call.replyContinuing(replies.get(i));
    }
    call.reply(replies.get(replies.size() - 1));
  }

  /** A transfer as importd lists it: its type underscored, its progress a fraction (importd's "percent"). */
  static Map<String, Object> describe(Transfer<?> transfer) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", transfer.id());
    reply.put("type", transfer.type().toString().replace('-', '_'));
    reply.put("remote", transfer.remote() == null ? "" : transfer.remote());
    reply.put("local", transfer.local() == null ? "" : transfer.local());
    reply.put("class", "machine");
    reply.put("percent", transfer.progress().fraction().orElse(0));
    return reply;
  }

  private void pull(Call call) throws VarlinkError {
    Map<String, Object> parameters = call.parameters();
    URI remote = remote((String) parameters.get("remote"));
    String local = (String) parameters.get("local");
    if (local != null) {
      try {
        ImageStore.checkNewName(local);
      } catch (JimgException e) {
        throw VarlinkError.invalidParameter("local");
      }
    }
    if (!"machine".equals(parameters.get("class"))) {
      throw VarlinkError.invalidParameter("class"); // jimg's pool holds machines only
    }
    ImageFormat format = "raw".equals(parameters.get("type")) ? ImageFormat.RAW : ImageFormat.TAR;
    Transfer.Type type = format == ImageFormat.RAW ? Transfer.Type.PULL_RAW : Transfer.Type.PULL_TAR;
    PullOptions options;
    try {
      options = PullOptions.builder().format(format)
          .verify((String) parameters.getOrDefault("verify", "signature"))
          .force(Boolean.TRUE.equals(parameters.get("force")))
          .readOnly(Boolean.TRUE.equals(parameters.get("readOnly")))
          .keepDownload(Boolean.TRUE.equals(parameters.get("keepDownload"))).build();
    } catch (JimgException e) {
      throw VarlinkError.invalidParameter("verify");
    }
    PullRequest request = new PullRequest(remote.toString(), local, options);
    Transfer<?> transfer;
    synchronized (pulls) {
      Transfer<?> same = pulls.get(request);
      if (same != null && !same.isDone()) {
        // The same pull, asked again while it runs: this call waits for it and shares its result, as a second jimg
        // pull waits on the first's lock on the URL and reuses its download, rather than failing AlreadyInProgress.
        TransferStream.join(call, same, events, DIALECT);
        call.reply(Map.of("id", same.id()));
        return;
      }
      // A pull of another name or with other options from the same URL is its own, and waits on the URL's lock.
      transfer = admission.start(VarlinkError.systemErrno(E2BIG),
          () -> root.transfers().pull(remote, local, options, null, false));
      pulls.put(request, transfer);
    }
    try {
      TransferStream.follow(call, transfer, events, DIALECT);
    } finally {
      pulls.remove(request, transfer);
    }
    call.reply(Map.of("id", transfer.id())); // a oneway call's goes nowhere
  }

  private static URI remote(String text) throws VarlinkError {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
        throw VarlinkError.invalidParameter("remote");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw VarlinkError.invalidParameter("remote");
    }
  }
}
