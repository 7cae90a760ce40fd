package io.jimg.service;

/** io.jimg.Transfer: jimg's own interface for what systemd's do not offer. */
final class TransferIdl {
  private TransferIdl() {}

  static final String NAME = "io.jimg.Transfer";

  static final String IDL = """
      # jimg's transfers: imports and exports from and to a file or a descriptor passed beside the call, the
      # transfers running and their cancellation, and a stream of the store's events.
      interface io.jimg.Transfer

      # A log message of a transfer, as io.systemd.Import sends them
      type LogMessage(
      \tmessage: string,
      \t# The BSD syslog priority
      \tpriority: int
      )

      # One running transfer
      type TransferInfo(
      \tid: int,
      \t# import-tar, import-raw, import-fs, export-tar, export-raw, pull-tar, pull-raw, provision or clone
      \ttype: string,
      \t# The image's name, where the caller gave one
      \tlocal: ?string,
      \t# The file, directory or URL read or written, or the image cloned
      \tremote: ?string,
      \tbytesDone: int,
      \tbytesTotal: ?int,
      \t# The share done, from 0 to 1, where the total is known
      \tprogress: ?float,
      \t# writing (the input is read whole, its files are still being written) or flushing (to disk, before the
      \t# image is published), where the share alone would mislead
      \tphase: ?string
      )

      # Something the store did: created, removed, renamed, changed, swept, skipped_busy or warning; the first
      # reply of a Watch is of kind watching, once the watch is in place
      type Event(
      \tkind: string,
      \timage: ?string,
      \tmessage: string,
      \t# The transfer it happened in, if any
      \ttransfer: ?int
      )

      # The transfers running now, oldest first
      method ListTransfers() -> (transfers: []TransferInfo)

      # Cancels a running transfer and returns once it has ended and left nothing behind
      method Cancel(id: int) -> ()

      # Imports a tar archive (compressed or not) from an absolute path, or from the descriptor passed beside the
      # call at index fileDescriptor. With more: first the id, then progress (with the phase, as TransferInfo has it)
      # and log replies, then the image's name.
      method ImportTar(path: ?string, fileDescriptor: ?int, name: ?string, force: ?bool, readOnly: ?bool) -> (
      \tid: ?int,
      \tprogress: ?float,
      \tphase: ?string,
      \tlog: ?LogMessage,
      \tname: ?string
      )

      # Imports a raw or qcow2 disk image (compressed or not), as ImportTar does
      method ImportRaw(path: ?string, fileDescriptor: ?int, name: ?string, force: ?bool, readOnly: ?bool) -> (
      \tid: ?int,
      \tprogress: ?float,
      \tphase: ?string,
      \tlog: ?LogMessage,
      \tname: ?string
      )

      # Copies the directory tree at an absolute path into a new image (named as the directory where name is not
      # given), as ImportTar does
      method ImportFileSystem(path: string, name: ?string, force: ?bool, readOnly: ?bool) -> (
      \tid: ?int,
      \tprogress: ?float,
      \tphase: ?string,
      \tlog: ?LogMessage,
      \tname: ?string
      )

      # Makes the fleet prefix<start> … prefix<start+count-1> (start 1 where not given) of clones of template,
      # all or none; count at most 4096. Streams as ImportTar does; the final reply names the images made.
      method Provision(template: string, count: int, prefix: string, start: ?int) -> (
      \tid: ?int,
      \tprogress: ?float,
      \tphase: ?string,
      \tlog: ?LogMessage,
      \tnames: ?[]string
      )

      # Exports an image as a tar archive to an absolute path (compressed as its suffix or format says, written
      # whole or not at all), or to the descriptor passed beside the call at index fileDescriptor
      method ExportTar(name: string, path: ?string, fileDescriptor: ?int, format: ?string) -> (
      \tid: ?int,
      \tprogress: ?float,
      \tphase: ?string,
      \tlog: ?LogMessage
      )

      # Exports a raw image, as ExportTar does
      method ExportRaw(name: string, path: ?string, fileDescriptor: ?int, format: ?string) -> (
      \tid: ?int,
      \tprogress: ?float,
      \tphase: ?string,
      \tlog: ?LogMessage
      )

      # Streams the store's events as they happen, until the client hangs up; must be called with more. The first
      # reply (kind watching) says the watch is in place.
      method Watch() -> (event: Event)

      # No transfer of that id runs
      error NoSuchTransfer(id: int)

      # The transfer was cancelled; nothing of it is left
      error TransferCancelled()

      # The transfer failed; nothing of it is left
      error TransferFailed(message: string)

      # As many transfers as the service runs at once (max) are running; try again once one has ended
      error TooManyTransfers(max: int)

      # A watcher fell too far behind the store's events and was dropped
      error TooManyEvents()
      """;
}
