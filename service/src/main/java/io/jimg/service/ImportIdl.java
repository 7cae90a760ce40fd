package io.jimg.service;

/** io.systemd.Import as systemd's importd describes it: names and types are systemd's, to the letter. */
final class ImportIdl {
  private ImportIdl() {}

  static final String NAME = "io.systemd.Import";

  static final String IDL = """
      interface io.systemd.Import

      # Describes the class of images
      type ImageClass(
      \t# An image to boot as a system on baremetal, in a VM or as a container
      \tmachine,
      \t# An portable service image
      \tportable,
      \t# A system extension image
      \tsysext,
      \t# A configuration extension image
      \tconfext
      )

      # Describes the type of a images to transfer
      type RemoteType(
      \t# Raw binary disk images, typically in a GPT envelope
      \traw,
      \t# A tarball, optionally compressed
      \ttar
      )

      # Describes the type of a transfer
      type TransferType(
      \t# A local import of a tarball
      \timport_tar,
      \t# A local import of a raw disk image
      \timport_raw,
      \t# A local import of a file system tree
      \timport_fs,
      \t# A local export of a tarball
      \texport_tar,
      \t# A local export of a raw disk image
      \texport_raw,
      \t# A download of a tarball
      \tpull_tar,
      \t# A download of a raw disk image
      \tpull_raw
      )

      # Describes whether and how thoroughly to verify the download before installing it locally
      type ImageVerify(
      \t# No verification
      \tno,
      \t# Verify that downloads match checksum file (SHA256SUMS), but do not check signature of checksum file
      \tchecksum,
      \t# Verify that downloads match checksum file (SHA256SUMS), and check signature of checksum file.
      \tsignature
      )

      # Structure for log messages associated with a transfer operation
      type LogMessage(
      \t# The log message
      \tmessage: string,
      \t# The priority of the log message, using the BSD syslog priority levels
      \tpriority: int
      )

      # List ongoing transfers, or query details about specific transfers
      method ListTransfers(
      \t# Image class to filter by
      \tclass: ?ImageClass
      ) -> (
      \t# A unique numeric identifier for the ongoing transfer
      \tid: int,
      \t# The type of transfer
      \ttype: TransferType,
      \t# The remote URL
      \tremote: string,
      \t# The local image name
      \tlocal: string,
      \t# The class of the image
      \tclass: ImageClass,
      \t# Progress in percent
      \tpercent: float
      )

      # Download a .tar or .raw file. This must be called with the 'more' flag enabled. It will immediately return the numeric ID of the transfer, and then follow up with progress and log message updates, until the transfer is complete.
      method Pull(
      \t# The remote URL to download from
      \tremote: string,
      \t# The local image name to download to
      \tlocal: ?string,
      \t# The type of the resource
      \ttype: RemoteType,
      \t# The image class
      \tclass: ImageClass,
      \t# The whether and how thoroughly to verify the download before installing it locally. Defaults to 'signature'.
      \tverify: ?ImageVerify,
      \t# If true, an existing image by the local name is deleted. Defaults to false.
      \tforce: ?bool,
      \t# Whether to make the image read-only after downloading. Defaults ot false.
      \treadOnly: ?bool,
      \t# Whether to keep a pristine copy of the download separate from the locally installed image. Defaults to false.
      \tkeepDownload: ?bool,
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool
      ) -> (
      \t# A progress update, as percent value
      \tprogress: ?float,
      \t# A log message about the ongoing transfer
      \tlog: ?LogMessage,
      \t# The numeric ID of this download
      \tid: ?int
      )

      # A transfer for the specified file is already ongoing
      error AlreadyInProgress()

      # The transfer has been cancelled on user request
      error TransferCancelled()

      # The transfer failed
      error TransferFailed()

      # No currently ongoing transfer
      error NoTransfers()
      """;
}
