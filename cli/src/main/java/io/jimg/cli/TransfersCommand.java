package io.jimg.cli;

import io.jimg.library.Transfer;
import io.jimg.library.TransferProgress;
import java.util.ArrayList;
import java.util.List;

/** jimg transfers: the transfers running, in the service where the command runs there, else in this process. */
final class TransfersCommand extends Verb {
  private static final String[] HEADER = {"ID", "TYPE", "LOCAL", "REMOTE", "PROGRESS"};

  TransfersCommand() {
    super("transfers", "List the transfers running (imports, exports, pulls, clones, provisions): the service's "
        + "where jimg serve runs; run in this process, a command has none of its own to list.");
    examples("jimg transfers", "jimg --json transfers");
  }

  @Override
  void run() {
    List<Transfer<?>> transfers = jimg().root().transfers().list();
    if (jimg().json()) {
      out().print(json(transfers));
    } else {
      out().print(table(transfers, !jimg().quiet()));
    }
  }

  static String table(List<Transfer<?>> transfers, boolean legend) {
    if (transfers.isEmpty()) {
      return legend ? "No transfers.\n" : "";
    }
    List<String[]> rows = new ArrayList<>();
    if (legend) {
      rows.add(HEADER);
    }
    for (Transfer<?> transfer : transfers) {
      rows.add(new String[] {String.valueOf(transfer.id()), transfer.type().toString(), text(transfer.local()),
          text(transfer.remote()), progress(transfer.progress())});
    }
    return Text.align(rows);
  }

  static String json(List<Transfer<?>> transfers) {
    return Json.write(json -> {
      json.writeStartArray();
      for (Transfer<?> transfer : transfers) {
        TransferProgress progress = transfer.progress();
        json.writeStartObject();
        json.writeNumberField("id", transfer.id());
        json.writeStringField("type", transfer.type().toString());
        json.writeStringField("local", transfer.local());
        json.writeStringField("remote", transfer.remote());
        json.writeNumberField("bytesDone", progress.bytesDone());
        if (progress.bytesTotal() > 0) {
          json.writeNumberField("bytesTotal", progress.bytesTotal());
        } else {
          json.writeNullField("bytesTotal");
        }
        json.writeStringField("phase", progress.phase());
        json.writeEndObject();
      }
      json.writeEndArray();
    });
  }

  private static String text(String value) {
    return value == null ? "-" : Text.printable(value);
  }

  private static String progress(TransferProgress progress) {
    String done = progress.fraction().isPresent() ? (int) (progress.fraction().getAsDouble() * 100) + "%"
        : Sizes.format(progress.bytesDone());
    return progress.phase() == null ? done : done + " " + progress.phase();
  }
}
