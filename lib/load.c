/* placeholder: not yet written */
typedef int cx_placeholder_load;
