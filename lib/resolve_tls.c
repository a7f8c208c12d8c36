/* placeholder: not yet written */
typedef int cx_placeholder_resolve_tls;
