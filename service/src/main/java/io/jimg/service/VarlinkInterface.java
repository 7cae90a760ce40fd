package io.jimg.service;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An interface a service serves: its description, exactly as GetInterfaceDescription returns it, and a handler
 * for each method it implements. Each method says whether it only reads (anyone may call it) or changes something
 * (root only), and whether it must be called with more.
 */
public final class VarlinkInterface {
  /** Answers one call: replies through the call, or throws a {@link VarlinkError} the interface declares. */
  @FunctionalInterface
  public interface Handler {
    void handle(Call call) throws VarlinkError, IOException;
  }

  public enum Access {
    /** Reads only: any user may call it. */
    READ_ONLY,
    /** Changes something: root only; others get org.varlink.service.PermissionDenied. */
    ROOT_ONLY
  }

  /** One implemented method. */
  record Method(Handler handler, Access access, boolean requiresMore) {}

  private final InterfaceDescription description;
  private final Map<String, Method> methods = new LinkedHashMap<>();

  private VarlinkInterface(InterfaceDescription description) {
    this.description = description;
  }

  /** An interface described by {@code idl}; an {@link IllegalArgumentException} says where the text is wrong. */
  public static VarlinkInterface describedBy(String idl) {
    return new VarlinkInterface(InterfaceDescription.parse(idl));
  }

  public String name() {
    return description.name();
  }

  /** Implements {@code method}, which may be called with or without more. */
  public VarlinkInterface method(String method, Access access, Handler handler) {
    return add(method, new Method(handler, access, false));
  }

  /** Implements {@code method}, which a call without more gets org.varlink.service.ExpectedMore for. */
  public VarlinkInterface methodRequiringMore(String method, Access access, Handler handler) {
    return add(method, new Method(handler, access, true));
  }

  InterfaceDescription description() {
    return description;
  }

  /** The implementation of a method the description declares, or null where it has none. */
  Method implementation(String method) {
    return methods.get(method);
  }

  private VarlinkInterface add(String method, Method implementation) {
    if (!description.methods().containsKey(method)) {
      throw new IllegalArgumentException(description.name() + " declares no method " + method);
    }
    if (methods.putIfAbsent(method, implementation) != null) {
      throw new IllegalArgumentException(description.name() + "." + method + " is implemented twice");
    }
    return this;
  }
}
