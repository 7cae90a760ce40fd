/**
 * The test harness other modules use through btrfs's test-jar
 * ({@code <type>test-jar</type><scope>test</scope>} on {@code jimg-btrfs}).
 * <ul>
 *   <li>{@link io.jimg.btrfs.testing.LoopFilesystem}: a fresh btrfs, ext4, xfs (reflink) or tmpfs, loop-mounted per
 *       class ({@code static} field) or per test (instance field); {@code newDirectory(prefix)} for a test's own
 *       directory on a shared one.</li>
 *   <li>{@link io.jimg.btrfs.testing.Requirements}: root, tools, kernel features; skips locally, fails under
 *       {@code CI=true}.</li>
 *   <li>{@link io.jimg.btrfs.testing.DebianRoot}: cached debootstrapped bookworm roots; copy before changing.</li>
 *   <li>{@link io.jimg.btrfs.testing.Commands}: runs external tools from tests, failing with their output.</li>
 *   <li>{@link io.jimg.btrfs.testing.Leftovers}: what a stopped operation left in directories and threads;
 *       {@link io.jimg.btrfs.testing.StopAt}: stops it from another thread at a moment it signals.</li>
 * </ul>
 */
package io.jimg.btrfs.testing;
