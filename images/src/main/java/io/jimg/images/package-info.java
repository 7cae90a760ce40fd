/**
 * The image store over systemd's machine directories.
 *
 * <p>{@link io.jimg.images.ImageStore} is the whole public surface: build one with
 * {@link io.jimg.images.ImageStore#builder()}, then list, show, clone, rename, remove, set read-only, set limits,
 * clean, lease, create, take scratch names and publish a {@link io.jimg.images.Batch} of new images all or
 * nothing. Everything else in this package is package-private.
 *
 * <p>How it stays safe: new images are made under {@code .#jimg-ID.*} temporaries beside a lock file
 * {@code .#jimg-ID.lock} that the working process holds an OFD lock on, and published with
 * renameat2(RENAME_NOREPLACE) (RENAME_EXCHANGE when replacing). Steps that touch several names are written down
 * first as {@code .#jimg-ID.intent}, naming each inode by something that survives a reboot (subvolume UUID, or
 * inode and birth time); whoever finds an intent whose lock nobody holds completes it (committed), or rolls it
 * back (prepared: its temporaries go; provisional, a batch: the renames taken are undone first). Images are locked with the lock files and OFD lock kinds systemd-nspawn and
 * machinectl use, so neither side changes an image the other holds.
 */
package io.jimg.images;
