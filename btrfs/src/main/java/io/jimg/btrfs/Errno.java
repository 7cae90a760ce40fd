package io.jimg.btrfs;

import java.util.Locale;

/**
 * Linux errno names and descriptions, so that errors read "ENOSPC (no space left on device)" and never a bare number.
 * The numbers are the asm-generic ones that x86_64 and arm64 share.
 */
public final class Errno {
  private Errno() {}

  private static final String[] NAMES = new String[134];
  private static final String[] DESCRIPTIONS = new String[134];

  private static void define(int number, String name, String description) {
    NAMES[number] = name;
    DESCRIPTIONS[number] = description;
  }

  static {
    define(1, "EPERM", "operation not permitted");
    define(2, "ENOENT", "no such file or directory");
    define(3, "ESRCH", "no such process");
    define(4, "EINTR", "interrupted system call");
    define(5, "EIO", "I/O error");
    define(6, "ENXIO", "no such device or address");
    define(7, "E2BIG", "argument list too long");
    define(8, "ENOEXEC", "exec format error");
    define(9, "EBADF", "bad file number");
    define(10, "ECHILD", "no child processes");
    define(11, "EAGAIN", "try again");
    define(12, "ENOMEM", "out of memory");
    define(13, "EACCES", "permission denied");
    define(14, "EFAULT", "bad address");
    define(15, "ENOTBLK", "block device required");
    define(16, "EBUSY", "device or resource busy");
    define(17, "EEXIST", "file exists");
    define(18, "EXDEV", "cross-device link");
    define(19, "ENODEV", "no such device");
    define(20, "ENOTDIR", "not a directory");
    define(21, "EISDIR", "is a directory");
    define(22, "EINVAL", "invalid argument");
    define(23, "ENFILE", "file table overflow");
    define(24, "EMFILE", "too many open files");
    define(25, "ENOTTY", "inappropriate ioctl for device");
    define(26, "ETXTBSY", "text file busy");
    define(27, "EFBIG", "file too large");
    define(28, "ENOSPC", "no space left on device");
    define(29, "ESPIPE", "illegal seek");
    define(30, "EROFS", "read-only file system");
    define(31, "EMLINK", "too many links");
    define(32, "EPIPE", "broken pipe");
    define(33, "EDOM", "math argument out of domain of func");
    define(34, "ERANGE", "math result not representable");
    define(35, "EDEADLK", "resource deadlock would occur");
    define(36, "ENAMETOOLONG", "file name too long");
    define(37, "ENOLCK", "no record locks available");
    define(38, "ENOSYS", "invalid system call number");
    define(39, "ENOTEMPTY", "directory not empty");
    define(40, "ELOOP", "too many symbolic links encountered");
    define(42, "ENOMSG", "no message of desired type");
    define(43, "EIDRM", "identifier removed");
    define(44, "ECHRNG", "channel number out of range");
    define(45, "EL2NSYNC", "level 2 not synchronized");
    define(46, "EL3HLT", "level 3 halted");
    define(47, "EL3RST", "level 3 reset");
    define(48, "ELNRNG", "link number out of range");
    define(49, "EUNATCH", "protocol driver not attached");
    define(50, "ENOCSI", "no CSI structure available");
    define(51, "EL2HLT", "level 2 halted");
    define(52, "EBADE", "invalid exchange");
    define(53, "EBADR", "invalid request descriptor");
    define(54, "EXFULL", "exchange full");
    define(55, "ENOANO", "no anode");
    define(56, "EBADRQC", "invalid request code");
    define(57, "EBADSLT", "invalid slot");
    define(59, "EBFONT", "bad font file format");
    define(60, "ENOSTR", "device not a stream");
    define(61, "ENODATA", "no data available");
    define(62, "ETIME", "timer expired");
    define(63, "ENOSR", "out of streams resources");
    define(64, "ENONET", "machine is not on the network");
    define(65, "ENOPKG", "package not installed");
    define(66, "EREMOTE", "object is remote");
    define(67, "ENOLINK", "link has been severed");
    define(68, "EADV", "advertise error");
    define(69, "ESRMNT", "srmount error");
    define(70, "ECOMM", "communication error on send");
    define(71, "EPROTO", "protocol error");
    define(72, "EMULTIHOP", "multihop attempted");
    define(73, "EDOTDOT", "RFS specific error");
    define(74, "EBADMSG", "not a data message");
    define(75, "EOVERFLOW", "value too large for defined data type");
    define(76, "ENOTUNIQ", "name not unique on network");
    define(77, "EBADFD", "file descriptor in bad state");
    define(78, "EREMCHG", "remote address changed");
    define(79, "ELIBACC", "can not access a needed shared library");
    define(80, "ELIBBAD", "accessing a corrupted shared library");
    define(81, "ELIBSCN", ".lib section in a.out corrupted");
    define(82, "ELIBMAX", "attempting to link in too many shared libraries");
    define(83, "ELIBEXEC", "cannot exec a shared library directly");
    define(84, "EILSEQ", "illegal byte sequence");
    define(85, "ERESTART", "interrupted system call should be restarted");
    define(86, "ESTRPIPE", "streams pipe error");
    define(87, "EUSERS", "too many users");
    define(88, "ENOTSOCK", "socket operation on non-socket");
    define(89, "EDESTADDRREQ", "destination address required");
    define(90, "EMSGSIZE", "message too long");
    define(91, "EPROTOTYPE", "protocol wrong type for socket");
    define(92, "ENOPROTOOPT", "protocol not available");
    define(93, "EPROTONOSUPPORT", "protocol not supported");
    define(94, "ESOCKTNOSUPPORT", "socket type not supported");
    define(95, "EOPNOTSUPP", "operation not supported on transport endpoint");
    define(96, "EPFNOSUPPORT", "protocol family not supported");
    define(97, "EAFNOSUPPORT", "address family not supported by protocol");
    define(98, "EADDRINUSE", "address already in use");
    define(99, "EADDRNOTAVAIL", "cannot assign requested address");
    define(100, "ENETDOWN", "network is down");
    define(101, "ENETUNREACH", "network is unreachable");
    define(102, "ENETRESET", "network dropped connection because of reset");
    define(103, "ECONNABORTED", "software caused connection abort");
    define(104, "ECONNRESET", "connection reset by peer");
    define(105, "ENOBUFS", "no buffer space available");
    define(106, "EISCONN", "transport endpoint is already connected");
    define(107, "ENOTCONN", "transport endpoint is not connected");
    define(108, "ESHUTDOWN", "cannot send after transport endpoint shutdown");
    define(109, "ETOOMANYREFS", "too many references: cannot splice");
    define(110, "ETIMEDOUT", "connection timed out");
    define(111, "ECONNREFUSED", "connection refused");
    define(112, "EHOSTDOWN", "host is down");
    define(113, "EHOSTUNREACH", "no route to host");
    define(114, "EALREADY", "operation already in progress");
    define(115, "EINPROGRESS", "operation now in progress");
    define(116, "ESTALE", "stale file handle");
    define(117, "EUCLEAN", "structure needs cleaning");
    define(118, "ENOTNAM", "not a XENIX named type file");
    define(119, "ENAVAIL", "no XENIX semaphores available");
    define(120, "EISNAM", "is a named type file");
    define(121, "EREMOTEIO", "remote I/O error");
    define(122, "EDQUOT", "quota exceeded");
    define(123, "ENOMEDIUM", "no medium found");
    define(124, "EMEDIUMTYPE", "wrong medium type");
    define(125, "ECANCELED", "operation canceled");
    define(126, "ENOKEY", "required key not available");
    define(127, "EKEYEXPIRED", "key has expired");
    define(128, "EKEYREVOKED", "key has been revoked");
    define(129, "EKEYREJECTED", "key was rejected by service");
    define(130, "EOWNERDEAD", "owner died");
    define(131, "ENOTRECOVERABLE", "state not recoverable");
    define(132, "ERFKILL", "operation not possible due to RF-kill");
    define(133, "EHWPOISON", "memory page has hardware error");
  }

  /**
   * The number whose description the text is, or begins with as a word, ignoring case (glibc's strerror text, as
   * the JDK puts it into its exceptions: "Is a directory"), or 0.
   */
  public static int byDescription(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (int errno = 1; errno < DESCRIPTIONS.length; errno++) {
      String description = DESCRIPTIONS[errno] == null ? null : DESCRIPTIONS[errno].toLowerCase(Locale.ROOT);
      if (description != null && (lower.equals(description) || lower.startsWith(description + " "))) {
        return errno;
      }
    }
    return 0;
  }

  /** The symbolic name, such as {@code ENOSPC}, or {@code errno N} for a number this table lacks. */
  public static String name(int errno) {
    return errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
  }

  public static String description(int errno) {
    return errno > 0 && errno < DESCRIPTIONS.length && DESCRIPTIONS[errno] != null ? DESCRIPTIONS[errno] : "unknown error";
  }
}
