package io.jimg.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether systemd-machined can be reached to register a container. Asking the bus would cost a D-Bus client;
 * the files it needs tell enough: systemd as init (which bus-activates machined), the system bus socket, and
 * machined itself installed.
 */
record MachineRegistry(boolean reachable) {
  static MachineRegistry probe() {
    return new MachineRegistry(Files.isDirectory(Path.of("/run/systemd/system"))
        && Files.exists(Path.of("/run/dbus/system_bus_socket"))
        && (Files.isExecutable(Path.of("/usr/lib/systemd/systemd-machined"))
            || Files.isExecutable(Path.of("/lib/systemd/systemd-machined"))));
  }
}
