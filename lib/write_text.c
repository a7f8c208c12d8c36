/* placeholder: not yet written */
typedef int cx_placeholder_write_text;
