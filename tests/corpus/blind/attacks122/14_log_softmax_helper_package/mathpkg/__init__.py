from mathpkg.impl import stable_log_norm
