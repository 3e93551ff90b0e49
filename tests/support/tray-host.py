#!/usr/bin/python3
"""A stand-in tray host for the end-to-end tests, on the session bus.

A desktop's tray host owns org.kde.StatusNotifierWatcher; tray icons (Callside's is an
AppIndicator) register with it and export their menu over com.canonical.dbusmenu. Xvfb
has no tray host, so this one takes its place and lets a test read and click the menu.

  tray-host.py watch                  Owns the watcher and stays up. Prints one JSON line
                                      per event: {"event": "ready"}, {"event":
                                      "registered", "bus": ":1.7", "path": "/org/...",
                                      "pid": 1234}, {"event": "unregistered", ...}.
  tray-host.py menu BUS PATH          Prints the item's menu entries as JSON:
                                      [{"id": 2, "label": "...", "enabled": true}, ...]
  tray-host.py click BUS PATH LABEL   Clicks the entry with that label (as a tray host
                                      does: dbusmenu Event "clicked").

Needs Debian's python3 with python3-gi (GLib's Gio D-Bus bindings).
"""
import json
import sys
import time

from gi.repository import Gio, GLib

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
INTERFACE = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
    <signal name="StatusNotifierHostUnregistered"/>
  </interface>
</node>"""


def say(**event):
    print(json.dumps(event), flush=True)


def call(connection, bus, path, interface, method, args, reply):
    result = connection.call_sync(
        bus, path, interface, method, args,
        GLib.VariantType(reply) if reply else None,
        Gio.DBusCallFlags.NONE, 5000, None)
    return result.unpack() if result is not None else None


def watch():
    node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
    items = {}  # "bus/path" -> the watch on the bus name
    loop = GLib.MainLoop()

    def emit(connection, signal, args):
        connection.emit_signal(None, WATCHER_PATH, WATCHER, signal, args)

    def pid_of(connection, bus):
        try:
            (pid,) = call(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                          GLib.Variant("(s)", (bus,)), "(u)")
            return pid
        except GLib.Error:
            return None

    def on_call(connection, sender, _path, _interface, method, params, invocation):
        if method == "RegisterStatusNotifierItem":
            (service,) = params.unpack()
            # An AppIndicator names its object path; other items name a bus.
            bus, path = (sender, service) if service.startswith("/") else (service, "/StatusNotifierItem")
            key = bus + path
            if key not in items:
                def gone(_connection, _name, key=key, bus=bus, path=path):
                    Gio.bus_unwatch_name(items.pop(key))
                    emit(connection, "StatusNotifierItemUnregistered", GLib.Variant("(s)", (key,)))
                    say(event="unregistered", bus=bus, path=path)
                items[key] = Gio.bus_watch_name_on_connection(
                    connection, bus, Gio.BusNameWatcherFlags.NONE, None, gone)
                emit(connection, "StatusNotifierItemRegistered", GLib.Variant("(s)", (key,)))
                say(event="registered", bus=bus, path=path, pid=pid_of(connection, bus))
            invocation.return_value(None)
        elif method == "RegisterStatusNotifierHost":
            emit(connection, "StatusNotifierHostRegistered", None)
            invocation.return_value(None)
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)

    def on_get(_connection, _sender, _path, _interface, name):
        return {
            "RegisteredStatusNotifierItems": GLib.Variant("as", list(items)),
            "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
            "ProtocolVersion": GLib.Variant("i", 0),
        }.get(name)

    def on_bus(connection, _name):
        connection.register_object(WATCHER_PATH, node.interfaces[0], on_call, on_get, None)

    def on_name(connection, _name):
        emit(connection, "StatusNotifierHostRegistered", None)
        say(event="ready")

    def on_lost(_connection, _name):
        say(event="error", message="another tray host owns " + WATCHER)
        loop.quit()

    Gio.bus_own_name(Gio.BusType.SESSION, WATCHER, Gio.BusNameOwnerFlags.NONE,
                     on_bus, on_name, on_lost)
    loop.run()
    sys.exit(1)


def menu(bus, item):
    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    (menu_path,) = call(connection, bus, item, "org.freedesktop.DBus.Properties", "Get",
                        GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", "Menu")), "(v)")
    # GetLayout(parentId, recursionDepth, propertyNames) -> (revision, (id, properties, children))
    _revision, (_id, _properties, children) = call(
        connection, bus, menu_path, "com.canonical.dbusmenu", "GetLayout",
        GLib.Variant("(iias)", (0, -1, [])), "(u(ia{sv}av))")
    entries = [{"id": child[0],
                "label": child[1].get("label", "").replace("_", ""),
                "enabled": child[1].get("enabled", True)}
               for child in children if child[1].get("type", "standard") == "standard"]
    return connection, menu_path, entries


def click(bus, item, label):
    connection, menu_path, entries = menu(bus, item)
    wanted = [entry for entry in entries if entry["label"] == label]
    if not wanted:
        raise SystemExit(f"no menu entry {label!r} among {[e['label'] for e in entries]}")
    # Event(id, eventId, data, timestamp)
    call(connection, bus, menu_path, "com.canonical.dbusmenu", "Event",
         GLib.Variant("(isvu)", (wanted[0]["id"], "clicked", GLib.Variant("i", 0), int(time.time()))),
         None)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "watch":
        watch()
    elif mode == "menu" and len(sys.argv) == 4:
        print(json.dumps(menu(sys.argv[2], sys.argv[3])[2]))
    elif mode == "click" and len(sys.argv) == 5:
        click(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
