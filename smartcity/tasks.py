"""The project's own task: the worker's health ping. Each capability keeps its jobs in its own ``tasks.py``."""

from celery import shared_task


@shared_task(bind=True, ignore_result=False)  # its caller waits for the answer
def ping(self):
    """Health ping: answers with the name of the worker that ran it, so a caller can tell who did the work."""
    return {"pong": True, "worker": self.request.hostname}
