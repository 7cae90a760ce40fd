package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the next command does with what a killed process left: complete committed intents, roll back the rest. */
class SweeperTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  Path pool;
  Path elsewhere;
  Fd poolFd;
  RecordingListener events = new RecordingListener();

  @BeforeEach
  void setUp() throws IOException {
    Path base = Files.createTempDirectory(TMPFS.root(), "sweep-");
    pool = Files.createDirectory(base.resolve("pool"));
    elsewhere = Files.createDirectory(base.resolve("nspawn"));
    poolFd = Fd.openDirectory(pool);
  }

  @AfterEach
  void tearDown() {
    poolFd.close();
  }

  private static final String ID = "0123456789abcdef";

  /** Leaves a lock file nobody holds and an intent record, as a SIGKILL does. */
  private void leave(Intent intent) throws IOException {
    Files.writeString(pool.resolve(".#jimg-" + ID + ".lock"), "");
    Files.write(pool.resolve(".#jimg-" + ID + ".intent"), intent.encode());
  }

  private void sweep() {
    new Sweeper(events, Clock.systemUTC()).sweep(poolFd, pool);
  }

  @Test
  void aCommittedIntentIsCompleted() throws IOException {
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".image/etc"));
    Files.writeString(pool.resolve(".#jimg-" + ID + ".companion0"), "beside");
    Files.writeString(elsewhere.resolve(".#jimg-" + ID + ".companion1"), "host");
    byte[] image = FileNames.bytes(".#jimg-" + ID + ".image");
    byte[] beside = FileNames.bytes(".#jimg-" + ID + ".companion0");
    byte[] host = FileNames.bytes(".#jimg-" + ID + ".companion1");
    Intent intent = new Intent().temporary(elsewhere, host);
    intent.rename(pool, image, FileNames.bytes("img"), true, false, Fingerprint.of(poolFd, image));
    intent.rename(pool, beside, FileNames.bytes("img.nspawn"), false, false, Fingerprint.of(poolFd, beside));
    try (Fd other = Fd.openDirectory(elsewhere)) {
      intent.rename(elsewhere, host, FileNames.bytes("img.nspawn"), false, false, Fingerprint.of(other, host));
    }
    leave(intent.commit());
    sweep();
    assertEquals(List.of("img", "img.nspawn"), Pools.names(pool));
    assertEquals(List.of("img.nspawn"), Pools.names(elsewhere));
    assertTrue(events.has(StoreEvent.Kind.SWEPT, null));
  }

  @Test
  void aPreparedIntentIsRolledBackEvenOutsideThePool() throws IOException {
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".image/etc"));
    Files.writeString(elsewhere.resolve(".#jimg-" + ID + ".companion1"), "host");
    leave(new Intent().temporary(elsewhere, FileNames.bytes(".#jimg-" + ID + ".companion1")));
    sweep();
    assertEquals(List.of(), Pools.names(pool));
    assertEquals(List.of(), Pools.names(elsewhere));
  }

  @Test
  void aCompanionIsNeverPublishedWhenItsImageCannotBe() throws IOException {
    Files.createDirectories(pool.resolve("img")); // someone took the name meanwhile
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".image"));
    Files.writeString(pool.resolve(".#jimg-" + ID + ".companion0"), "beside");
    byte[] image = FileNames.bytes(".#jimg-" + ID + ".image");
    byte[] beside = FileNames.bytes(".#jimg-" + ID + ".companion0");
    Intent intent = new Intent();
    intent.rename(pool, image, FileNames.bytes("img"), true, false, Fingerprint.of(poolFd, image));
    intent.rename(pool, beside, FileNames.bytes("img.nspawn"), false, false, Fingerprint.of(poolFd, beside));
    leave(intent.commit());
    sweep();
    assertEquals(List.of("img"), Pools.names(pool));
  }

  @Test
  void aRemoveIsCompletedOnlyOnTheImageItWasFor() throws IOException {
    Files.createDirectories(pool.resolve("gone"));
    Files.writeString(pool.resolve("gone.nspawn"), "x");
    byte[] gone = FileNames.bytes("gone");
    Intent intent = new Intent();
    intent.rename(pool, gone, FileNames.bytes(".#jimg-" + ID + ".trash0"), true, false, Fingerprint.of(poolFd, gone));
    intent.remove(pool, FileNames.bytes("gone.nspawn"), Fingerprint.of(poolFd, FileNames.bytes("gone.nspawn")));
    leave(intent.commit());
    Files.delete(pool.resolve("gone"));
    Files.createDirectories(pool.resolve("gone/new")); // a new image under the old name: not the one to remove
    sweep();
    assertTrue(Files.isDirectory(pool.resolve("gone/new")));
    assertTrue(Files.exists(pool.resolve("gone.nspawn")), "a stopped intent removes nothing more");
  }

  @Test
  void aProvisionalIntentIsUndoneOnlyOnWhatItPublished() throws IOException {
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".image0/etc"));
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".image1/etc"));
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".image2/etc"));
    Files.writeString(pool.resolve(".#jimg-" + ID + ".companion0"), "[Exec]\n");
    Intent intent = new Intent();
    for (int i = 0; i < 3; i++) {
      byte[] image = FileNames.bytes(".#jimg-" + ID + ".image" + i);
      intent.rename(pool, image, FileNames.bytes("node" + i), true, false, Fingerprint.of(poolFd, image));
    }
    byte[] companion = FileNames.bytes(".#jimg-" + ID + ".companion0");
    intent.rename(pool, companion, FileNames.bytes("node0.nspawn"), true, false, Fingerprint.of(poolFd, companion));
    leave(intent.provisionally());
    // The run published node0 with its settings and node1, then died; someone replaced node1 since.
    Files.move(pool.resolve(".#jimg-" + ID + ".image0"), pool.resolve("node0"));
    Files.move(pool.resolve(".#jimg-" + ID + ".companion0"), pool.resolve("node0.nspawn"));
    Files.move(pool.resolve(".#jimg-" + ID + ".image1"), pool.resolve("node1"));
    Files.delete(pool.resolve("node1/etc"));
    Files.delete(pool.resolve("node1"));
    Files.createDirectories(pool.resolve("node1/theirs"));
    sweep();
    assertEquals(List.of("node1"), Pools.names(pool));
    assertTrue(Files.isDirectory(pool.resolve("node1/theirs")));
    assertTrue(events.has(StoreEvent.Kind.SWEPT, null));
  }

  @Test
  void aMountLeftOnAScratchNameIsDetachedThenRemoved() throws IOException {
    Files.writeString(pool.resolve(".#jimg-" + ID + ".lock"), "");
    Path scratch = Files.createDirectory(pool.resolve(".#jimg-" + ID + ".scratch"));
    Commands.run("mount", "-t", "tmpfs", "jimg-test", scratch.toString());
    Files.writeString(scratch.resolve("inside"), "x");
    sweep();
    assertEquals(List.of(), Pools.names(pool));
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(scratch.toString()));
  }

  @Test
  void liveWorkIsPassedOverWithoutWaiting() throws IOException {
    try (Work work = Work.begin(poolFd, pool, events)) {
      poolFd.mkdir(work.name("image"), 0700);
      sweep();
      assertEquals(2, Pools.names(pool).size(), "a held lock keeps its work");
    }
    assertEquals(List.of(), Pools.names(pool), "closing the work removes it");
  }

  @Test
  void workWhoseLockFileIsGoneIsRemovedAndOthersDotHashNamesStay() throws IOException {
    Files.createDirectories(pool.resolve(".#jimg-" + ID + ".trash0/x"));
    Files.writeString(pool.resolve(".#img.lck"), "");
    Files.writeString(pool.resolve(".#tar0123456789abcdef"), "");
    Files.writeString(pool.resolve(".#jimg-short.lock"), "");
    sweep();
    assertEquals(List.of(".#img.lck", ".#jimg-short.lock", ".#tar0123456789abcdef"), Pools.names(pool));
  }

  @Test
  void intentsSurviveAnyByteInANameAndRejectTornRecords() {
    byte[] odd = {'a', (byte) 0xff, ' ', '\n', 'z'};
    Intent intent = new Intent().immutable(Path.of("/a b"), odd).commit();
    Intent back = Intent.decode(intent.encode());
    assertNotNull(back);
    assertTrue(back.committed());
    assertEquals(Intent.Kind.IMMUTABLE, back.steps().get(0).kind());
    assertEquals(Path.of("/a b"), back.steps().get(0).directory());
    assertTrue(java.util.Arrays.equals(odd, back.steps().get(0).from()));
    byte[] torn = new String(intent.encode(), StandardCharsets.US_ASCII).substring(0, 30).getBytes(StandardCharsets.US_ASCII);
    assertNull(Intent.decode(torn));
    assertNull(Intent.decode("garbage".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aRecordAnOlderJimgLeftStillReadsWithItsDeviceNumbers() {
    String hex = java.util.HexFormat.of().formatHex(FileNames.bytes("/pool"));
    Intent old = Intent.decode(("jimg-intent 1 committed\nRENAME 1 0 2049 77 " + hex + " 61 62\n")
        .getBytes(StandardCharsets.US_ASCII));
    assertNotNull(old);
    assertEquals(new Fingerprint("device:2049:77"), old.steps().get(0).identity());
    assertEquals(Path.of("/pool"), old.steps().get(0).directory());
  }

  @Test
  void theWorkLockIsAnOfdLockOthersSee() throws IOException {
    try (Work work = Work.begin(poolFd, pool, events);
        Fd lock = poolFd.open(FileNames.bytes(Pools.names(pool).get(0)), Linux.O_RDWR)) {
      assertFalse(lock.tryLock(LockKind.SHARED));
    }
  }
  private static final String DOWNLOAD = ".#jimg-download-tar0123456789abcdef";

  private void sweepAt(Duration later) {
    new Sweeper(events, Clock.offset(Clock.systemUTC(), later)).sweep(poolFd, pool);
  }

  /** A pull's resumable download and its ETag, as an interrupted pull leaves them. */
  private void leaveDownload() throws IOException {
    Files.writeString(pool.resolve(DOWNLOAD), "partial image");
    Files.writeString(pool.resolve(DOWNLOAD + ".etag"), "\"v1\"");
  }

  @Test
  void anAbandonedDownloadIsKeptForADayThenRemoved() throws IOException {
    leaveDownload();
    sweepAt(Sweeper.ABANDONED_AFTER.minusMinutes(1));
    assertEquals(List.of(DOWNLOAD, DOWNLOAD + ".etag"), Pools.names(pool), "young enough to be resumed");
    assertFalse(events.has(StoreEvent.Kind.SWEPT, null));
    sweepAt(Sweeper.ABANDONED_AFTER.plusMinutes(1));
    assertEquals(List.of(), Pools.names(pool));
    assertTrue(events.has(StoreEvent.Kind.SWEPT, null));
  }

  @Test
  void aDownloadInProgressIsNeverRemovedHoweverOld() throws IOException {
    leaveDownload();
    try (Fd held = poolFd.open(FileNames.bytes(DOWNLOAD), Linux.O_RDWR)) {
      held.lock(LockKind.EXCLUSIVE);
      sweepAt(Duration.ofDays(30));
      assertEquals(List.of(DOWNLOAD, DOWNLOAD + ".etag"), Pools.names(pool), "its owner holds the download's lock");
    }
    sweepAt(Duration.ofDays(30));
    assertEquals(List.of(), Pools.names(pool));
  }

  @Test
  void aDownloadIsJudgedByItsNewestFile() throws IOException {
    leaveDownload();
    Files.setLastModifiedTime(pool.resolve(DOWNLOAD + ".etag"),
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(3))));
    sweepAt(Duration.ofHours(2));
    assertEquals(List.of(DOWNLOAD, DOWNLOAD + ".etag"), Pools.names(pool), "the download itself is fresh");
  }

  @Test
  void oldNamesThatAreNotJimgFilesStay() throws IOException {
    Files.writeString(pool.resolve(".#img.lck"), "");
    Files.writeString(pool.resolve(".#tar0123456789abcdef"), "");
    Files.writeString(pool.resolve(".#raw0123456789abcdef.raw"), "");
    Files.createDirectories(pool.resolve(".#jimg-ephemeral/etc"));
    Files.writeString(pool.resolve(".#jimg-"), "");
    sweepAt(Duration.ofDays(30));
    assertEquals(List.of(".#img.lck", ".#jimg-", ".#jimg-ephemeral", ".#raw0123456789abcdef.raw",
        ".#tar0123456789abcdef"), Pools.names(pool));
  }
}
