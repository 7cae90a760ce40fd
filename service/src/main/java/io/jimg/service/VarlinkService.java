package io.jimg.service;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.UnixSockets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The interfaces a service serves, org.varlink.service among them, and the handling of one call: finding its
 * method, refusing a caller who may not call it, checking its parameters, running its handler, checking the
 * error it ends with. The order is systemd's: an unknown method is reported before permission is checked, and
 * permission before parameters, so that a user who may not call a method learns nothing of its parameters.
 */
public final class VarlinkService {
  static final String SERVICE_INTERFACE = "org.varlink.service";
  private static final Set<String> CALL_FIELDS = Set.of("method", "parameters", "oneway", "more", "upgrade");

  private final ServiceInfo info;
  private final Map<String, Registered> interfaces = new ConcurrentSkipListMap<>();

  private record Registered(VarlinkInterface implementation, TypeCheck check) {}

  public VarlinkService(ServiceInfo info) {
    this.info = info;
    register(VarlinkInterface.describedBy(ServiceInterface.IDL)
        .method("GetInfo", VarlinkInterface.Access.READ_ONLY, this::getInfo)
        .method("GetInterfaceDescription", VarlinkInterface.Access.READ_ONLY, this::getInterfaceDescription));
  }

  /** Serves {@code implementation} from now on; its name must be new. */
  public void register(VarlinkInterface implementation) {
    Registered registered = new Registered(implementation, new TypeCheck(implementation.description()));
    if (interfaces.putIfAbsent(implementation.name(), registered) != null) {
      throw new IllegalArgumentException("interface registered twice: " + implementation.name());
    }
  }

  /**
   * Handles one message of a connection, answering through {@code replies} (nothing for a oneway call). A message
   * that is not a call throws; an unexpected failure of a handler (an IOException it did not turn into an error
   * of its interface, or a reply that breaks the interface) propagates, and the connection is closed.
   */
  void dispatch(Map<String, Object> message, UnixSockets.Peer peer, List<Fd> descriptors, Call.Replies replies)
      throws MalformedMessage, IOException {
    for (String field : message.keySet()) {
      if (!CALL_FIELDS.contains(field)) {
        throw new MalformedMessage("a call with the unknown field " + field);
      }
    }
    if (!(message.get("method") instanceof String method)) {
      throw new MalformedMessage("a call without a method name");
    }
    Object given = message.getOrDefault("parameters", Map.of());
    if (!(given instanceof Map<?, ?>)) {
      throw new MalformedMessage("parameters that are not an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> parameters = (Map<String, Object>) given;
    boolean oneway = flag(message, "oneway");
    boolean more = flag(message, "more");
    boolean upgrade = flag(message, "upgrade");
    if (oneway && more) {
      throw new MalformedMessage("a call both oneway and with more");
    }
    try {
      int dot = method.lastIndexOf('.');
      Registered registered = dot < 0 ? null : interfaces.get(method.substring(0, dot));
      if (registered == null) {
        throw dot < 0 ? VarlinkError.methodNotFound(method) : VarlinkError.interfaceNotFound(method.substring(0, dot));
      }
      String name = method.substring(dot + 1);
      InterfaceDescription description = registered.implementation().description();
      InterfaceDescription.Signature signature = description.methods().get(name);
      if (signature == null) {
        throw VarlinkError.methodNotFound(method);
      }
      VarlinkInterface.Method implementation = registered.implementation().implementation(name);
      if (implementation == null) {
        throw VarlinkError.methodNotImplemented(method);
      }
      if (implementation.access() != VarlinkInterface.Access.READ_ONLY && !peer.isRoot()) {
        throw VarlinkError.permissionDenied();
      }
      if (upgrade) {
        throw VarlinkError.invalidParameter("upgrade"); // no method of jimg's hands its connection over
      }
      String mismatch = registered.check().firstMismatch(signature.input(), parameters);
      if (mismatch != null) {
        throw VarlinkError.invalidParameter(mismatch);
      }
      if (implementation.requiresMore() && !more) {
        throw VarlinkError.expectedMore();
      }
      Call call = new Call(method, parameters, more, oneway, peer, descriptors, signature.output(),
          registered.check(), replies);
      try {
        implementation.handler().handle(call);
      } catch (VarlinkError e) {
        call.fail(errorMessage(e, registered));
        return;
      } finally {
        call.stopWatchingHangUp();
      }
      if (!call.finished() && !oneway && !call.hungUp()) {
        throw new IllegalStateException(method + " returned without its final reply");
      }
    } catch (VarlinkError e) {
      if (!oneway) {
        replies.send(errorMessage(e, interfaces.get(SERVICE_INTERFACE)));
      }
    }
  }

  /** The reply for an error the handler's interface, or org.varlink.service, declares with these parameters. */
  private Map<String, Object> errorMessage(VarlinkError error, Registered own) {
    String name = error.error();
    if (name.equals(VarlinkError.SYSTEM)) {
      if (!(error.parameters().get("errno") instanceof Long) || error.parameters().size() != 1) {
        throw new IllegalStateException(name + " without its one errno parameter");
      }
      return Map.of("error", name, "parameters", error.parameters());
    }
    int dot = name.lastIndexOf('.');
    Registered declaring = dot < 0 ? null
        : name.startsWith(VarlinkError.SERVICE) ? interfaces.get(SERVICE_INTERFACE)
        : name.substring(0, dot).equals(own.implementation().name()) ? own : null;
    VarlinkType.Struct declared = declaring == null ? null
        : declaring.implementation().description().errors().get(name.substring(dot + 1));
    if (declared == null) {
      throw new IllegalStateException("an error no interface of the call declares: " + name);
    }
    String mismatch = declaring.check().firstMismatch(declared, error.parameters());
    if (mismatch != null) {
      throw new IllegalStateException(name + ": parameter " + mismatch + " does not match the interface");
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("error", name);
    reply.put("parameters", error.parameters());
    return reply;
  }

  private static boolean flag(Map<String, Object> message, String name) throws MalformedMessage {
    Object value = message.get(name);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw new MalformedMessage("a call whose " + name + " is not a boolean");
    }
    return flag;
  }

  private void getInfo(Call call) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("vendor", info.vendor());
    reply.put("product", info.product());
    reply.put("version", info.version());
    reply.put("url", info.url());
    reply.put("interfaces", new ArrayList<>(interfaces.keySet()));
    call.reply(reply);
  }

  private void getInterfaceDescription(Call call) throws VarlinkError {
    String name = (String) call.parameters().get("interface");
    Registered registered = interfaces.get(name);
    if (registered == null) {
      throw VarlinkError.interfaceNotFound(name);
    }
    call.reply(Map.of("description", registered.implementation().description().text()));
  }
}
