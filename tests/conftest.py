"""Settings every test process shares: the tests run in the `test` environment.

An unset `INNOVNET_ENV` means production, which refuses the built-in secrets the tests use; set
here at import, before any test builds `ServiceSettings` or starts a process that inherits it.
A test about production sets the variable itself.
"""

import os

os.environ.setdefault("INNOVNET_ENV", "test")
