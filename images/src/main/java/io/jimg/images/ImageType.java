package io.jimg.images;

import java.util.Locale;

/** The kinds of image systemd knows, named as machinectl names them. */
public enum ImageType {
  DIRECTORY,
  SUBVOLUME,
  RAW,
  BLOCK;

  /** The lower-case name used in tables and JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
