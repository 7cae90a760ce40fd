package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import java.util.Locale;

/** An image's platform as an index names it: {@code linux/arm64/v8}; {@code variant} may be null. */
public record Platform(String os, String architecture, String variant) {

  public Platform {
    if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
      throw new IllegalArgumentException("a platform needs an os and an architecture");
    }
    variant = variant == null || variant.isEmpty() ? null : variant;
  }

  /** {@code OS/ARCH[/VARIANT]}, as {@code --platform} takes it. */
  public static Platform parse(String text) throws JimgException {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
      throw new JimgException(JimgException.Reason.USAGE,
          "platform " + text + " is not OS/ARCH or OS/ARCH/VARIANT (for example linux/arm64/v8)");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** The platform this JVM runs on, in OCI's names (Go's GOARCH). */
  public static Platform host() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> new Platform("linux", "amd64", null);
      case "aarch64", "arm64" -> new Platform("linux", "arm64", null);
      case "arm", "armv7l", "aarch32" -> new Platform("linux", "arm", "v7");
      case "x86", "i386", "i486", "i586", "i686" -> new Platform("linux", "386", null);
      case "ppc64le" -> new Platform("linux", "ppc64le", null);
      case "s390x" -> new Platform("linux", "s390x", null);
      case "riscv64" -> new Platform("linux", "riscv64", null);
      default -> new Platform("linux", arch, null);
    };
  }

  /**
   * Whether an index entry of platform {@code offered} serves this one: same os and architecture, and the same
   * variant where this one names one (arm64 without a variant is v8, as the OCI spec says).
   */
  public boolean accepts(Platform offered) {
    if (!os.equals(offered.os) || !architecture.equals(offered.architecture)) {
      return false;
    }
    return variant == null || variant.equals(offered.variant == null ? defaultVariant(architecture) : offered.variant);
  }

  private static String defaultVariant(String architecture) {
    return architecture.equals("arm64") ? "v8" : null;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
