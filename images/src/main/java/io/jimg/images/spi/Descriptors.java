package io.jimg.images.spi;

import io.jimg.btrfs.Fd;
import io.jimg.images.Batch;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageStore;
import io.jimg.images.NewImage;
import io.jimg.images.Scratch;

/**
 * The kernel's side of the store's handles, for the modules beside images that do kernel work in what the store
 * hands them: transfer's tar and raw code writes into a new image and reads a leased one, runtime's engines mount
 * and snapshot into scratch names and batches. The handles themselves speak images only, so that the library's
 * callers never meet a descriptor; these four descriptors are all the siblings need, and they ask here for them.
 *
 * <p>Two ways in, by the handle's kind. {@link ImageLease} and {@link Scratch} are interfaces (a runtime test's pool
 * double makes its own): their implementations also implement {@link KernelLease} or {@link KernelScratch}.
 * {@link Batch} and {@link NewImage} are final classes only the store makes, which keep their descriptors
 * package-private; as the JDK's SharedSecrets does, the store registers the one {@link Access} that reads them when
 * {@link ImageStore} initialises, which it has done before any such handle exists.
 */
public final class Descriptors {
  /** The kernel side of an {@link ImageLease}. */
  public interface KernelLease extends ImageLease {
    /** The image's root directory, or the raw file or block device itself, opened for reading. */
    Fd open();
  }

  /** The kernel side of a {@link Scratch}. */
  public interface KernelScratch extends Scratch {
    /** The pool directory the scratch name lives in; the scratch closes it. */
    Fd pool();
  }

  /** What the store registers to give out the descriptors of its final handle classes; nothing else may. */
  public interface Access {
    Fd pool(Batch batch);

    Fd of(NewImage image);
  }

  private static volatile Access access;

  private Descriptors() {}

  /** Called once, by the store; a second registration is refused so that nothing can stand in for it. */
  public static synchronized void register(Access implementation) {
    if (access != null) {
      throw new IllegalStateException("the store's descriptor access is registered already");
    }
    access = implementation;
  }

  /** The leased image's root directory, or its raw file or block device, opened for reading; the caller closes it. */
  public static Fd open(ImageLease lease) {
    return ((KernelLease) lease).open();
  }

  /** The writable pool a scratch name lives in; it stays the scratch's, which closes it. */
  public static Fd pool(Scratch scratch) {
    return ((KernelScratch) scratch).pool();
  }

  /** The writable pool a batch's images are made in; it stays the batch's, which closes it. */
  public static Fd pool(Batch batch) {
    return access().pool(batch);
  }

  /** The new image's root directory or raw file, for its filler to write; the store closes it after the filler. */
  public static Fd of(NewImage image) {
    return access().of(image);
  }

  private static Access access() {
    Access registered = access;
    if (registered != null) {
      return registered;
    }
    try {
      Class.forName(ImageStore.class.getName(), true, ImageStore.class.getClassLoader()); // registers
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    return access;
  }
}
