/* placeholder: not yet written */
typedef int cx_placeholder_yaml_load;
