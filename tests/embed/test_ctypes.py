"""The embedding library from Python through ctypes (standard library only).

Loads the installed libeureka-server.so (EUREKA_LIB: its path), starts a node on a loop of its own on a Python
thread, registers an instance in process on the loop thread (eureka_node_post), reads it back over HTTP, sees the
registration event, checks that a call from another thread is refused, and stops the node from the main thread.
"""
import ctypes
import json
import os
import threading
import unittest
import urllib.request

EUREKA_OK = 0
EUREKA_EUNKNOWN_SETTING = -2
EUREKA_EWRONG_THREAD = -4
EUREKA_EVENT_REGISTERED = 1


class Pair(ctypes.Structure):
    _fields_ = [("key", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class Instance(ctypes.Structure):
    _fields_ = [
        ("app", ctypes.c_char_p), ("instance_id", ctypes.c_char_p), ("host_name", ctypes.c_char_p),
        ("ip_addr", ctypes.c_char_p), ("status", ctypes.c_int), ("port", ctypes.c_int),
        ("port_enabled", ctypes.c_int), ("secure_port", ctypes.c_int), ("secure_port_enabled", ctypes.c_int),
        ("vip_address", ctypes.c_char_p), ("secure_vip_address", ctypes.c_char_p),
        ("home_page_url", ctypes.c_char_p), ("status_page_url", ctypes.c_char_p),
        ("health_check_url", ctypes.c_char_p), ("data_center", ctypes.c_char_p),
        ("lease_renewal_interval_secs", ctypes.c_int), ("lease_duration_secs", ctypes.c_int),
        ("metadata", ctypes.POINTER(Pair)), ("metadata_count", ctypes.c_size_t),
    ]


class Record(ctypes.Structure):
    _fields_ = [("instance", Instance), ("overridden_status", ctypes.c_int)] + [
        (name, ctypes.c_int64) for name in ("registration_timestamp", "last_renewal_timestamp", "eviction_timestamp",
                                            "service_up_timestamp", "last_updated_timestamp", "last_dirty_timestamp")]


class Event(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("replicated", ctypes.c_int), ("record", ctypes.POINTER(Record))]


NODE_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
EVENT_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.POINTER(Event), ctypes.c_void_p)


def load():
    lib = ctypes.CDLL(os.environ["EUREKA_LIB"])
    lib.eureka_last_error.restype = ctypes.c_char_p
    lib.eureka_config_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.eureka_config_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.eureka_config_free.argtypes = [ctypes.c_void_p]
    lib.eureka_node_create.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.eureka_node_port.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    lib.eureka_node_run.argtypes = [ctypes.c_void_p]
    lib.eureka_node_stop.argtypes = [ctypes.c_void_p, NODE_CALLBACK, ctypes.c_void_p]
    lib.eureka_node_post.argtypes = [ctypes.c_void_p, NODE_CALLBACK, ctypes.c_void_p]
    lib.eureka_node_free.argtypes = [ctypes.c_void_p]
    lib.eureka_node_set_event_callback.argtypes = [ctypes.c_void_p, EVENT_CALLBACK, ctypes.c_void_p]
    lib.eureka_instance_init.argtypes = [ctypes.POINTER(Instance)]
    lib.eureka_register.argtypes = [ctypes.c_void_p, ctypes.POINTER(Instance)]
    lib.eureka_renew.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    return lib


class CtypesEmbeddingTest(unittest.TestCase):
    def test_node_on_its_own_thread_registers_in_process_and_serves_http(self):
        lib = load()
        self.assertEqual(lib.eureka_version() >> 16, 0)
        config = ctypes.c_void_p()
        self.assertEqual(lib.eureka_config_new(ctypes.byref(config)), EUREKA_OK)
        self.assertEqual(lib.eureka_config_set(config, b"server.prot", b"0"), EUREKA_EUNKNOWN_SETTING)
        self.assertIn(b"server.prot", lib.eureka_last_error())
        for name, value in ((b"server.port", b"0"), (b"server.address", b"127.0.0.1")):
            self.assertEqual(lib.eureka_config_set(config, name, value), EUREKA_OK)
        node = ctypes.c_void_p()
        self.assertEqual(lib.eureka_node_create(config, None, ctypes.byref(node)), EUREKA_OK)
        lib.eureka_config_free(config)
        port = ctypes.c_int()
        self.assertEqual(lib.eureka_node_port(node, ctypes.byref(port)), EUREKA_OK)

        events, registered, stopped = [], threading.Event(), threading.Event()
        results = {}

        @EVENT_CALLBACK
        def on_event(event, _):
            record = event.contents.record.contents.instance
            events.append((event.contents.kind, record.app, record.instance_id))

        @NODE_CALLBACK
        def register(node_pointer, _):  # on the loop thread
            results["events"] = lib.eureka_node_set_event_callback(node_pointer, on_event, None)
            metadata = (Pair * 1)(Pair(b"language", b"python"))
            instance = Instance()
            lib.eureka_instance_init(ctypes.byref(instance))
            instance.app, instance.instance_id = b"py-app", b"py-1"
            instance.host_name, instance.ip_addr, instance.port = b"py-1.local", b"10.3.0.1", 5000
            instance.metadata, instance.metadata_count = metadata, 1
            results["register"] = lib.eureka_register(node_pointer, ctypes.byref(instance))
            registered.set()

        @NODE_CALLBACK
        def on_stopped(_, __):
            stopped.set()

        runner = threading.Thread(target=lambda: results.setdefault("run", lib.eureka_node_run(node)))
        runner.start()  # ctypes lets go of the GIL while the loop runs
        self.assertEqual(lib.eureka_node_post(node, register, None), EUREKA_OK)
        self.assertTrue(registered.wait(10))
        self.assertEqual((results["events"], results["register"]), (EUREKA_OK, EUREKA_OK))
        self.assertEqual(events, [(EUREKA_EVENT_REGISTERED, b"PY-APP", b"py-1")])
        self.assertEqual(lib.eureka_renew(node, b"PY-APP", b"py-1"), EUREKA_EWRONG_THREAD)  # not the loop thread

        request = urllib.request.Request(f"http://127.0.0.1:{port.value}/eureka/apps/PY-APP/py-1",
                                         headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            instance = json.load(reply)["instance"]
        self.assertEqual((instance["hostName"], instance["port"]["$"]), ("py-1.local", 5000))
        self.assertEqual(instance["metadata"], {"language": "python"})

        self.assertEqual(lib.eureka_node_stop(node, on_stopped, None), EUREKA_OK)
        self.assertTrue(stopped.wait(10))
        runner.join(10)
        self.assertFalse(runner.is_alive())
        self.assertEqual(results["run"], EUREKA_OK)
        self.assertEqual(lib.eureka_node_free(node), EUREKA_OK)


if __name__ == "__main__":
    unittest.main()
