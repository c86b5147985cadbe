"""gunicorn's settings for `make run` and production:
`gunicorn -c python:zongzhi.gunicorn_config zongzhi.wsgi`.

- No control socket: gunicorn 27 opens one at ~/.gunicorn/gunicorn.ctl by default, one path
  shared by every gunicorn of the user on the machine (a second server takes it over).
- One time zone in the log: the master process stamps its lines in the process's local zone,
  while the workers, once Django has loaded, stamp theirs in settings.TIME_ZONE (Django sets TZ);
  setting TZ here makes the master's lines, the workers' and the access log agree (+0800).
"""

from __future__ import annotations

import os
import time

TIME_ZONE = "Asia/Shanghai"  # settings.TIME_ZONE; not imported, to keep Django out of the master

os.environ["TZ"] = TIME_ZONE
time.tzset()

control_socket_disable = True
