package io.jimg.transfer.oci.pull;

import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.oci.registry.ImageConfig;
import io.jimg.transfer.oci.registry.ImageManifest;
import io.jimg.transfer.oci.registry.Platform;

/**
 * What a pull checks before it downloads a layer: the config is for the platform asked for (an index may name
 * a platform its image is not), and it lists one diff id per layer of the manifest, so that every layer can be
 * checked as it is applied. The layers' media types were checked as the manifest was read.
 */
final class ImageCheck {
  private ImageCheck() {}

  static void check(ImageManifest manifest, ImageConfig config, Platform platform, String shown)
      throws JimgException {
    if (config.os() == null || config.architecture() == null) {
      throw new JimgException(Reason.FAILED, shown + ": its config names no os or architecture");
    }
    Platform configured = new Platform(config.os(), config.architecture(), config.variant());
    if (!platform.accepts(configured)) {
      throw new JimgException(Reason.FAILED, shown + " is an image for " + configured + ", not for " + platform
          + " (choose another with --platform)");
    }
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new JimgException(Reason.FAILED, shown + ": its config lists " + config.diffIds().size()
          + " diff ids for " + manifest.layers().size() + " layers");
    }
    if (manifest.layers().isEmpty()) {
      throw new JimgException(Reason.FAILED, shown + " has no layers");
    }
  }
}
