package io.jimg.service;

import java.util.Map;

/**
 * An error reply: a qualified name its interface declares ({@code io.systemd.MachineImage.NoSuchImage}) and its
 * parameters, checked against that declaration before it is sent. A handler throws it to fail a call.
 */
public final class VarlinkError extends Exception {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final transient Map<String, Object> parameters;

  public VarlinkError(String error, Map<String, Object> parameters) {
    super(error + (parameters.isEmpty() ? "" : " " + parameters), null, false, false);
    this.error = error;
    this.parameters = Map.copyOf(parameters);
  }

  public VarlinkError(String error) {
    this(error, Map.of());
  }

  public String error() {
    return error;
  }

  public Map<String, Object> parameters() {
    return parameters;
  }

  static final String SERVICE = "org.varlink.service.";
  /** systemd's error for a failure it has only an errno for; no interface declares it, every client knows it. */
  static final String SYSTEM = "io.systemd.System";

  /** A failure named by its errno ({@code EEXIST}, {@code EBUSY}), as systemd's services answer one. */
  public static VarlinkError systemErrno(int errno) {
    return new VarlinkError(SYSTEM, Map.of("errno", (long) errno));
  }

  static VarlinkError interfaceNotFound(String name) {
    return new VarlinkError(SERVICE + "InterfaceNotFound", Map.of("interface", name));
  }

  static VarlinkError methodNotFound(String method) {
    return new VarlinkError(SERVICE + "MethodNotFound", Map.of("method", method));
  }

  static VarlinkError methodNotImplemented(String method) {
    return new VarlinkError(SERVICE + "MethodNotImplemented", Map.of("method", method));
  }

  public static VarlinkError invalidParameter(String parameter) {
    return new VarlinkError(SERVICE + "InvalidParameter", Map.of("parameter", parameter));
  }

  public static VarlinkError permissionDenied() {
    return new VarlinkError(SERVICE + "PermissionDenied");
  }

  static VarlinkError expectedMore() {
    return new VarlinkError(SERVICE + "ExpectedMore");
  }
}
