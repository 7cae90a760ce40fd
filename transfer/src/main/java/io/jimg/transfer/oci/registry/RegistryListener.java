package io.jimg.transfer.oci.registry;

/** What a registry client reports as it goes; called on the thread doing the transfer. */
public interface RegistryListener {
  RegistryListener NONE = new RegistryListener() {};

  /** Bytes of a blob moved so far, either way, after each buffer (1 MiB) and at the end. */
  default void progress(Digest blob, long done, long total) {}

  /** An upload resumes at {@code offset} after its connection failed (the registry kept what came before). */
  default void resumed(Digest blob, long offset) {}
}
