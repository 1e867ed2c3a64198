"""gunicorn's settings for PolicyHub, read from the working directory (gunicorn's default).

Command-line flags (``--workers``, ``--bind``) still apply on top of this file.
"""

import gc


def post_worker_init(worker):
    # A worker that has loaded Django holds ~100,000 objects that live as long as it does. Left
    # to the cyclic garbage collector, its first full collection scans them all in the middle
    # of a reader's request. Frozen, they are never scanned again; what requests allocate is
    # still collected as before.
    gc.collect()
    gc.freeze()
