package io.jimg.service;

/** io.systemd.MachineImage as systemd 258's machined describes it: names and types are systemd's, to the letter. */
final class MachineImageIdl {
  private MachineImageIdl() {}

  static final String NAME = "io.systemd.MachineImage";

  static final String IDL = """
      interface io.systemd.MachineImage

      # A enum field allowing to gracefully get metadata
      type AcquireMetadata(
      \t# Do not include metadata in the output
      \tno,
      \t# Include metadata in the output
      \tyes,
      \t# Include metadata in the output, but gracefully eat up errors
      \tgraceful
      )

      # List images
      method List(
      \t# If non-null the name of a image to report details on.
      \tname: ?string,
      \t# If true the output will include image metadata fields such as 'machineInfo' and 'OSRelease'.
      \tacquireMetadata: ?AcquireMetadata,
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool
      ) -> (
      \t# Name of the image
      \tname: string,
      \t# The file system path where image is stored
      \tpath: ?string,
      \t# The type of this image
      \ttype: string,
      \t# The class of this image
      \tclass: string,
      \t# Whether the image is read-only
      \treadOnly: bool,
      \t# The image creation timestamp
      \tcreationTimestamp: ?int,
      \t# The image modification timestamp
      \tmodificationTimestamp: ?int,
      \t# The image disk usage
      \tusage: ?int,
      \t# The image disk usage (exclusive)
      \tusageExclusive: ?int,
      \t# The image disk usage limit
      \tlimit: ?int,
      \t# The image disk usage limit (exclusive)
      \tlimitExclusive: ?int,
      \t# The hostname of the image
      \thostname: ?string,
      \t# The machine ID of the image
      \tmachineId: ?string,
      \t# Machine info information of an image. It contains an array of key value pairs read from the machine-info(5) file in the image.
      \tmachineInfo: ?[]string,
      \t# OS release information of an image. It contains an array of key value pairs read from the os-release(5) file in the image.
      \tOSRelease: ?[]string
      )

      # Update image allowing to rename, toggle read-only flag, or set a limit
      method Update(
      \t# The name of an image
      \tname: string,
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool,
      \t# If non-null the new name of the image
      \tnewName: ?string,
      \t# If non-null value of the read-only flag of the image
      \treadOnly: ?bool,
      \t# If non-null value of image quota limit
      \tlimit: ?int
      ) -> ()

      # Clone image
      method Clone(
      \t# The name of an image
      \tname: string,
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool,
      \t# The new name of the image
      \tnewName: string,
      \t# If non-null value of the read-only flag of the image
      \treadOnly: ?bool
      ) -> ()

      # Remove image
      method Remove(
      \t# The name of an image
      \tname: string,
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool
      ) -> ()

      # Sets an overall quota limit on the pool of images
      method SetPoolLimit(
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool,
      \t# New image quota limit
      \tlimit: int
      ) -> ()

      # A enum field allowing to control what type of images are cleaned up
      type CleanPoolMode(
      \t# Remove all unused images
      \tall,
      \t# Remove only hidden images
      \thidden
      )

      # Clean unused images depending on the specified mode. Note that it does not process vendor and host images.
      method CleanPool(
      \t# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
      \tallowInteractiveAuthentication: ?bool,
      \t# Allows removing all or only hidden images
      \tmode: CleanPoolMode
      ) -> (
      \t# Image name
      \tname: string,
      \t# The image disk usage (exclusive)
      \tusageExclusive: ?int
      )

      # No matching image exists
      error NoSuchImage()

      # Too many ongoing background operations
      error TooManyOperations()

      # Requested operation is not supported
      error NotSupported()
      """;
}
