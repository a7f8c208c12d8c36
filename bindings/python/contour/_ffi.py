"""Locating, loading and declaring libcontour through ctypes.

Every C function the binding calls is declared here, once, with ``argtypes`` and
``restype`` that match ``include/contour/*.h`` exactly. ctypes was chosen over cffi's ABI
mode by measurement: on CPython 3.11 both cost about 110 ns per call, but ctypes turns a
``const char *`` result into ``bytes`` inside the call while cffi needs a second
``ffi.string()`` call (about 2x slower per string field), and ctypes needs nothing extra
installed.

The library is located, in order:

1. ``$CONTOUR_LIBRARY``, a path to the shared library (when set, nothing else is tried);
2. ``pkg-config --variable=libdir contour`` joined with the library's file name;
3. the dynamic loader's search path: the file name (``libcontour.so.1`` on Linux), then
   ``ctypes.util.find_library("contour")``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
from ctypes import (
    POINTER,
    c_bool,
    c_char_p,
    c_int,
    c_size_t,
    c_uint32,
    c_uint64,
    c_int64,
    c_void_p,
)
from typing import Any, Callable, NoReturn

__all__ = [
    "ABI_MAJOR",
    "BUILT_AGAINST",
    "LibraryNotFoundError",
    "LibraryVersionError",
    "MissingSymbolError",
    "lib",
    "library_path",
    "missing_symbols",
]

#: The ABI major version this binding was written for (the library's SONAME).
ABI_MAJOR = 0
#: The library version this binding was written and tested against.
BUILT_AGAINST = "0.1.0"


class LibraryNotFoundError(ImportError):
    """libcontour could not be found or loaded; the message lists what was tried."""


class LibraryVersionError(ImportError):
    """The libcontour found has an ABI major version this binding does not support."""


class MissingSymbolError(NotImplementedError):
    """The loaded libcontour does not export a function this binding needs.

    Raised when the function is called, not at import: a library of the same ABI major
    but an older minor version may lack functions added later.
    """


def _soname() -> str:
    if sys.platform == "darwin":
        return f"libcontour.{ABI_MAJOR}.dylib"
    if sys.platform == "win32":
        return "contour.dll"
    return f"libcontour.so.{ABI_MAJOR}"


def _pkg_config_libdir() -> tuple[str | None, str]:
    """Returns (libdir or None, what happened)."""
    exe = shutil.which("pkg-config")
    if exe is None:
        return None, "pkg-config is not installed"
    try:
        proc = subprocess.run(
            [exe, "--variable=libdir", "contour"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"pkg-config failed: {exc}"
    libdir = proc.stdout.strip()
    if proc.returncode != 0 or not libdir:
        err = proc.stderr.strip().splitlines()
        return None, "pkg-config does not know 'contour'" + (f" ({err[0]})" if err else "")
    return libdir, ""


def _load() -> tuple[ctypes.CDLL, str]:
    tried: list[str] = []
    env = os.environ.get("CONTOUR_LIBRARY")
    if env:
        try:
            return ctypes.CDLL(env), env
        except OSError as exc:
            raise LibraryNotFoundError(
                f"cannot load libcontour from CONTOUR_LIBRARY={env!r}: {exc}\n"
                "Fix: point CONTOUR_LIBRARY at an existing libcontour shared library "
                f"(e.g. <meson-build-dir>/lib/{_soname()}), or unset it to search "
                "pkg-config and the loader path."
            ) from exc
    tried.append("CONTOUR_LIBRARY: not set")

    soname = _soname()
    libdir, why = _pkg_config_libdir()
    if libdir is not None:
        candidate = os.path.join(libdir, soname)
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as exc:
            tried.append(f"pkg-config libdir {libdir!r}: {exc}")
    else:
        tried.append(f"pkg-config: {why}")

    try:
        return ctypes.CDLL(soname), soname
    except OSError as exc:
        tried.append(f"loader path {soname!r}: {exc}")

    found = ctypes.util.find_library("contour")
    if found:
        try:
            return ctypes.CDLL(found), found
        except OSError as exc:
            tried.append(f"find_library('contour') -> {found!r}: {exc}")
    else:
        tried.append("ctypes.util.find_library('contour'): nothing found")

    raise LibraryNotFoundError(
        "cannot find libcontour (the libcontour Python package needs the C library "
        f"libcontour, ABI {ABI_MAJOR}). Tried:\n  - "
        + "\n  - ".join(tried)
        + "\nFix one of: set CONTOUR_LIBRARY=/path/to/"
        + soname
        + "; install libcontour so that `pkg-config --variable=libdir contour` finds it"
        " (set PKG_CONFIG_PATH for a non-standard prefix); or add its directory to "
        "LD_LIBRARY_PATH."
    )


# ---------------------------------------------------------------------------------------------
# Declarations: name -> (restype, argtypes). Enums are c_int, opaque handles c_void_p,
# NUL-terminated strings c_char_p (results arrive as bytes, NULL as None).
# ---------------------------------------------------------------------------------------------

_vp = c_void_p
_sz = c_size_t
_u32 = c_uint32
_i64 = c_int64
_u64 = c_uint64
_b = c_bool
_s = c_char_p
_e = c_int
_pvp = POINTER(c_void_p)

_DECLS: dict[str, tuple[Any, list[Any]]] = {
    # common.h
    "contour_result_str": (_s, [_e]),
    "contour_kind_name": (_s, [_e]),
    "contour_severity_name": (_s, [_e]),
    "contour_version": (_u32, []),
    "contour_version_string": (_s, []),
    "contour_escape": (_sz, [_vp, _sz, _s, _sz, _e]),  # 0.2; dst is a writable buffer
    # config.h
    "contour_config_new": (_e, [_pvp]),
    "contour_config_free": (None, [_vp]),
    "contour_config_set_default_namespace": (_e, [_vp, _s, _sz]),
    "contour_config_set_ingress_class": (_e, [_vp, _s, _sz]),
    "contour_config_add_root_namespace": (_e, [_vp, _s, _sz]),
    "contour_config_clear_root_namespaces": (None, [_vp]),
    "contour_config_set_ports": (_e, [_vp, _u32, _u32]),
    "contour_config_set_limit": (_e, [_vp, _e, _u64]),
    "contour_config_limit": (_u64, [_vp, _e]),
    "contour_config_set_follow_links": (_e, [_vp, _b]),
    # diagnostic.h
    "contour_diagnostic_severity": (_e, [_vp]),
    "contour_diagnostic_code": (_s, [_vp]),
    "contour_diagnostic_message": (_s, [_vp]),
    "contour_diagnostic_file": (_s, [_vp]),
    "contour_diagnostic_line": (_u32, [_vp]),
    "contour_diagnostic_column": (_u32, [_vp]),
    "contour_diagnostic_field": (_s, [_vp]),
    "contour_diagnostic_object_kind": (_e, [_vp]),
    "contour_diagnostic_object_namespace": (_s, [_vp]),
    "contour_diagnostic_object_name": (_s, [_vp]),
    # snapshot.h
    "contour_snapshot_new": (_e, [_pvp, _vp]),
    "contour_snapshot_free": (None, [_vp]),
    "contour_snapshot_load_path": (_e, [_vp, _s, _e]),
    "contour_snapshot_load_buffer": (_e, [_vp, _s, _sz, _s, _sz, _e]),
    "contour_snapshot_remove": (_e, [_vp, _e, _s, _sz, _s, _sz]),
    "contour_snapshot_object_count": (_sz, [_vp, _e]),
    "contour_snapshot_object_at": (_vp, [_vp, _e, _sz]),
    "contour_snapshot_find": (_e, [_pvp, _vp, _e, _s, _sz, _s, _sz]),
    "contour_snapshot_diagnostic_count": (_sz, [_vp]),
    "contour_snapshot_diagnostic_at": (_vp, [_vp, _sz]),
    "contour_snapshot_error_count": (_sz, [_vp]),
    # object.h: any object
    "contour_object_kind": (_e, [_vp]),
    "contour_object_api_version": (_s, [_vp]),
    "contour_object_namespace": (_s, [_vp]),
    "contour_object_name": (_s, [_vp]),
    "contour_object_file": (_s, [_vp]),
    "contour_object_line": (_u32, [_vp]),
    "contour_object_column": (_u32, [_vp]),
    "contour_object_annotation_count": (_sz, [_vp]),
    "contour_object_annotation_key": (_s, [_vp, _sz]),
    "contour_object_annotation_value": (_s, [_vp, _sz]),
    "contour_object_find_annotation": (_s, [_vp, _s, _sz]),
    "contour_object_diagnostic_count": (_sz, [_vp]),
    "contour_object_diagnostic_at": (_vp, [_vp, _sz]),
    # object.h: IngressRoute
    "contour_ingressroute_has_virtualhost": (_b, [_vp]),
    "contour_ingressroute_fqdn": (_s, [_vp]),
    "contour_ingressroute_has_tls": (_b, [_vp]),
    "contour_ingressroute_tls_secret_name": (_s, [_vp]),
    "contour_ingressroute_tls_min_protocol_version": (_s, [_vp]),
    "contour_ingressroute_tls_passthrough": (_b, [_vp]),
    "contour_ingressroute_route_count": (_sz, [_vp]),
    "contour_ingressroute_route_at": (_vp, [_vp, _sz]),
    "contour_ingressroute_has_tcpproxy": (_b, [_vp]),
    "contour_ingressroute_tcpproxy_service_count": (_sz, [_vp]),
    "contour_ingressroute_tcpproxy_service_at": (_vp, [_vp, _sz]),
    "contour_ingressroute_tcpproxy_has_delegate": (_b, [_vp]),
    "contour_ingressroute_tcpproxy_delegate_name": (_s, [_vp]),
    "contour_ingressroute_tcpproxy_delegate_namespace": (_s, [_vp]),
    "contour_ingressroute_route_match": (_s, [_vp]),
    "contour_ingressroute_route_service_count": (_sz, [_vp]),
    "contour_ingressroute_route_service_at": (_vp, [_vp, _sz]),
    "contour_ingressroute_route_has_delegate": (_b, [_vp]),
    "contour_ingressroute_route_delegate_name": (_s, [_vp]),
    "contour_ingressroute_route_delegate_namespace": (_s, [_vp]),
    "contour_ingressroute_route_enable_websockets": (_b, [_vp]),
    "contour_ingressroute_route_permit_insecure": (_b, [_vp]),
    "contour_ingressroute_route_prefix_rewrite": (_s, [_vp]),
    "contour_ingressroute_route_has_timeout_policy": (_b, [_vp]),
    "contour_ingressroute_route_timeout_policy_request": (_s, [_vp]),
    "contour_ingressroute_route_has_retry_policy": (_b, [_vp]),
    "contour_ingressroute_route_retry_policy_count": (_i64, [_vp]),
    "contour_ingressroute_route_retry_policy_per_try_timeout": (_s, [_vp]),
    "contour_ingressroute_service_name": (_s, [_vp]),
    "contour_ingressroute_service_port": (_i64, [_vp]),
    "contour_ingressroute_service_weight": (_i64, [_vp]),
    "contour_ingressroute_service_strategy": (_s, [_vp]),
    "contour_ingressroute_service_has_health_check": (_b, [_vp]),
    "contour_ingressroute_service_health_check_path": (_s, [_vp]),
    "contour_ingressroute_service_health_check_host": (_s, [_vp]),
    "contour_ingressroute_service_health_check_interval_seconds": (_i64, [_vp]),
    "contour_ingressroute_service_health_check_timeout_seconds": (_i64, [_vp]),
    "contour_ingressroute_service_health_check_unhealthy_threshold_count": (_i64, [_vp]),
    "contour_ingressroute_service_health_check_healthy_threshold_count": (_i64, [_vp]),
    # object.h: TLSCertificateDelegation
    "contour_tlscertdelegation_delegation_count": (_sz, [_vp]),
    "contour_tlscertdelegation_secret_name": (_s, [_vp, _sz]),
    "contour_tlscertdelegation_target_count": (_sz, [_vp, _sz]),
    "contour_tlscertdelegation_target_at": (_s, [_vp, _sz, _sz]),
    # object.h: Ingress
    "contour_ingress_class_name": (_s, [_vp]),
    "contour_ingress_default_backend": (_vp, [_vp]),
    "contour_ingress_rule_count": (_sz, [_vp]),
    "contour_ingress_rule_at": (_vp, [_vp, _sz]),
    "contour_ingress_tls_count": (_sz, [_vp]),
    "contour_ingress_tls_secret_name": (_s, [_vp, _sz]),
    "contour_ingress_tls_host_count": (_sz, [_vp, _sz]),
    "contour_ingress_tls_host_at": (_s, [_vp, _sz, _sz]),
    "contour_ingress_rule_host": (_s, [_vp]),
    "contour_ingress_rule_has_http": (_b, [_vp]),
    "contour_ingress_rule_path_count": (_sz, [_vp]),
    "contour_ingress_rule_path_at": (_vp, [_vp, _sz]),
    "contour_ingress_path_path": (_s, [_vp]),
    "contour_ingress_path_path_type": (_s, [_vp]),
    "contour_ingress_path_backend": (_vp, [_vp]),
    "contour_ingress_backend_service_name": (_s, [_vp]),
    "contour_ingress_backend_port_is_name": (_b, [_vp]),
    "contour_ingress_backend_port": (_i64, [_vp]),
    "contour_ingress_backend_port_name": (_s, [_vp]),
    "contour_ingress_backend_is_resource": (_b, [_vp]),
    # object.h: Service
    "contour_service_port_count": (_sz, [_vp]),
    "contour_service_port_name": (_s, [_vp, _sz]),
    "contour_service_port_number": (_i64, [_vp, _sz]),
    # object.h: Secret
    "contour_secret_type": (_s, [_vp]),
    "contour_secret_key_count": (_sz, [_vp]),
    "contour_secret_key_at": (_s, [_vp, _sz]),
    "contour_secret_key_nonempty": (_b, [_vp, _sz]),
    "contour_secret_is_tls": (_b, [_vp]),
    # graph.h
    "contour_resolve": (_e, [_pvp, _vp, _vp]),
    "contour_graph_free": (None, [_vp]),
    "contour_graph_listener_count": (_sz, [_vp]),
    "contour_graph_listener_at": (_vp, [_vp, _sz]),
    "contour_listener_name": (_s, [_vp]),
    "contour_listener_port": (_u32, [_vp]),
    "contour_listener_is_secure": (_b, [_vp]),
    "contour_listener_vhost_count": (_sz, [_vp]),
    "contour_listener_vhost_at": (_vp, [_vp, _sz]),
    "contour_vhost_fqdn": (_s, [_vp]),
    "contour_vhost_has_tls": (_b, [_vp]),
    "contour_vhost_tls_secret_namespace": (_s, [_vp]),
    "contour_vhost_tls_secret_name": (_s, [_vp]),
    "contour_vhost_tls_min_protocol_version": (_s, [_vp]),
    "contour_vhost_tls_passthrough": (_b, [_vp]),
    "contour_vhost_route_count": (_sz, [_vp]),
    "contour_vhost_route_at": (_vp, [_vp, _sz]),
    "contour_vhost_has_tcpproxy": (_b, [_vp]),
    "contour_vhost_tcpproxy_cluster_count": (_sz, [_vp]),
    "contour_vhost_tcpproxy_cluster_at": (_vp, [_vp, _sz]),
    "contour_route_match_type": (_e, [_vp]),
    "contour_route_path": (_s, [_vp]),
    "contour_route_https_redirect": (_b, [_vp]),
    "contour_route_websocket": (_b, [_vp]),
    "contour_route_prefix_rewrite": (_s, [_vp]),
    "contour_route_has_timeout": (_b, [_vp]),
    "contour_route_timeout_ms": (_i64, [_vp]),
    "contour_route_has_retry": (_b, [_vp]),
    "contour_route_retry_on": (_s, [_vp]),
    "contour_route_retry_num_retries": (_u32, [_vp]),
    "contour_route_retry_per_try_timeout_ms": (_i64, [_vp]),
    "contour_route_source_kind": (_e, [_vp]),
    "contour_route_source_namespace": (_s, [_vp]),
    "contour_route_source_name": (_s, [_vp]),
    "contour_route_cluster_count": (_sz, [_vp]),
    "contour_route_cluster_at": (_vp, [_vp, _sz]),
    "contour_cluster_namespace": (_s, [_vp]),
    "contour_cluster_service": (_s, [_vp]),
    "contour_cluster_port": (_u32, [_vp]),
    "contour_cluster_port_name": (_s, [_vp]),
    "contour_cluster_weight": (_i64, [_vp]),
    "contour_cluster_strategy": (_s, [_vp]),
    "contour_cluster_protocol": (_s, [_vp]),
    "contour_cluster_has_health_check": (_b, [_vp]),
    "contour_cluster_health_check_path": (_s, [_vp]),
    "contour_cluster_health_check_host": (_s, [_vp]),
    "contour_cluster_health_check_interval_s": (_i64, [_vp]),
    "contour_cluster_health_check_timeout_s": (_i64, [_vp]),
    "contour_cluster_health_check_unhealthy_threshold": (_i64, [_vp]),
    "contour_cluster_health_check_healthy_threshold": (_i64, [_vp]),
    "contour_cluster_max_connections": (_u32, [_vp]),
    "contour_cluster_max_pending_requests": (_u32, [_vp]),
    "contour_cluster_max_requests": (_u32, [_vp]),
    "contour_cluster_max_retries": (_u32, [_vp]),
    "contour_state_name": (_s, [_e]),
    "contour_graph_status_count": (_sz, [_vp]),
    "contour_graph_status_at": (_vp, [_vp, _sz]),
    "contour_graph_find_status": (_e, [_pvp, _vp, _s, _sz, _s, _sz]),
    "contour_status_kind": (_e, [_vp]),
    "contour_status_namespace": (_s, [_vp]),
    "contour_status_name": (_s, [_vp]),
    "contour_status_state": (_e, [_vp]),
    "contour_status_description": (_s, [_vp]),
    "contour_status_vhost_count": (_sz, [_vp]),
    "contour_status_vhost_at": (_s, [_vp, _sz]),
    "contour_status_file": (_s, [_vp]),
    "contour_status_line": (_u32, [_vp]),
    "contour_status_column": (_u32, [_vp]),
    "contour_graph_diagnostic_count": (_sz, [_vp]),
    "contour_graph_diagnostic_at": (_vp, [_vp, _sz]),
    "contour_graph_diagnostic_count_by_severity": (_sz, [_vp, _e]),
    "contour_graph_render": (_e, [_pvp, _vp, _e]),
    "contour_buffer_data": (_vp, [_vp]),
    "contour_buffer_size": (_sz, [_vp]),
    "contour_buffer_free": (None, [_vp]),
    # admission.h (declared so the binding knows the whole ABI; no Python API yet)
    "contour_operation_name": (_s, [_e]),
    "contour_finding_count": (_sz, []),
    "contour_finding_name": (_s, [_e]),
    "contour_policy_new": (_e, [_pvp]),
    "contour_policy_free": (None, [_vp]),
    "contour_policy_set_action": (_e, [_vp, _e, _e]),
    "contour_policy_action_of": (_e, [_vp, _e]),
    "contour_policy_set_max_listed": (_e, [_vp, _u32]),
    "contour_admission_review": (_e, [_pvp, _vp, _vp, _vp, _s, _sz]),
    "contour_admission_request_parse": (_e, [_pvp, _pvp, _vp, _s, _sz]),
    "contour_admission_request_free": (None, [_vp]),
    "contour_admission_request_answer": (_e, [_pvp, _vp, _vp, _vp, _vp]),
    "contour_admission_request_uid": (_s, [_vp]),
    "contour_admission_request_kind": (_e, [_vp]),
    "contour_admission_request_operation": (_e, [_vp]),
    "contour_admission_request_namespace": (_s, [_vp]),
    "contour_admission_request_name": (_s, [_vp]),
    "contour_admission_request_dry_run": (_b, [_vp]),
    "contour_admission_request_object": (_s, [_vp]),
    "contour_admission_request_object_size": (_sz, [_vp]),
    # graph.h, 0.2: graph filters
    "contour_graph_filter_new": (_e, [_pvp]),
    "contour_graph_filter_free": (None, [_vp]),
    "contour_graph_filter_add_vhost": (_e, [_vp, _s, _sz]),
    "contour_graph_filter_add_namespace": (_e, [_vp, _s, _sz]),
    "contour_graph_render_filtered": (_e, [_pvp, _vp, _e, _vp]),
}

# Without these the binding cannot even check what it loaded.
_REQUIRED = ("contour_version", "contour_version_string", "contour_result_str")


class _Lib:
    """The declared functions of the loaded library, as attributes."""

    def __getattr__(self, name: str) -> Any:  # only reached for undeclared names
        raise AttributeError(f"{name} is not declared in contour._ffi._DECLS")


def _missing(name: str, path: str) -> Callable[..., NoReturn]:
    def stub(*_args: object) -> NoReturn:
        raise MissingSymbolError(
            f"the libcontour loaded from {path!r} (version {library_version_string}) does "
            f"not export {name}(); this binding needs libcontour {BUILT_AGAINST} or a "
            f"later {ABI_MAJOR}.x release"
        )

    stub.__name__ = name
    return stub


def _declare(cdll: ctypes.CDLL, path: str) -> tuple[_Lib, frozenset[str]]:
    lib = _Lib()
    missing: list[str] = []
    for name, (restype, argtypes) in _DECLS.items():
        try:
            fn = getattr(cdll, name)
        except AttributeError:
            missing.append(name)
            setattr(lib, name, _missing(name, path))
            continue
        fn.restype = restype
        fn.argtypes = argtypes
        setattr(lib, name, fn)
    for name in _REQUIRED:
        if name in missing:
            raise LibraryNotFoundError(
                f"{path!r} does not export {name}(): it is not libcontour, or it is broken"
            )
    return lib, frozenset(missing)


_cdll, library_path = _load()
library_version_string = "?"
lib, missing_symbols = _declare(_cdll, library_path)

library_version_number: int = lib.contour_version()
library_version_string = lib.contour_version_string().decode("ascii", "replace")

if library_version_number >> 16 != ABI_MAJOR:
    raise LibraryVersionError(
        f"libcontour at {library_path!r} is version {library_version_string} "
        f"(ABI major {library_version_number >> 16}), but this binding (libcontour "
        f"{BUILT_AGAINST}) supports ABI major {ABI_MAJOR} only. Install a libcontour "
        f"{ABI_MAJOR}.x, or the Python package matching version {library_version_string}."
    )


def status_str(status: int) -> str:
    """contour_result_str() as a str."""
    return bytes(lib.contour_result_str(status)).decode("utf-8", "replace")
