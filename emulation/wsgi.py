import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
application = get_wsgi_application()

# What the application loaded lives as long as the process: moved out of the collector's sight,
# a full collection during a request no longer walks it.
gc.collect()
gc.freeze()
