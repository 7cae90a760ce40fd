package io.jimg.btrfs;

import java.time.Instant;
import java.util.UUID;

/** What btrfs records about a subvolume; {@code parentUuid} is null for one that is not a snapshot. */
public record SubvolumeInfo(long id, UUID uuid, UUID parentUuid, long generation, Instant created, boolean readOnly) {}
