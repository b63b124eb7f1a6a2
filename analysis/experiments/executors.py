"""Where a sweep's runs execute (suorittimet): in this process, local processes, or Dask.

Every executor offers the same small surface, a context manager with
``map_unordered(fn, tasks)`` yielding ``(task, result)`` as runs finish, where ``result`` is
``fn(task)`` or the exception that lost the task (a Dask worker that died). Results do not
depend on the executor or the number of workers: each run is a pure function of its task
(scenario data and seed).

- :class:`SerialExecutor`: one run after another in this process (debugging, tiny sweeps).
- :class:`LocalExecutor`: a :class:`~concurrent.futures.ProcessPoolExecutor`, one worker
  per core by default; numba kernels are compiled (or loaded from the cache) once in the
  parent, then once per worker by :func:`warm_up` in the initializer. The workers share
  the cores out for job matching's threads (:func:`threads_per_worker`), as do those of a
  Dask cluster started here.
- :class:`DaskExecutor`: a Dask distributed cluster given by its scheduler address, or a
  :class:`~distributed.LocalCluster`; tasks are submitted with ``pure=False``.

Worker processes never outlive the process that started them: each watches it
(:func:`die_with`) and exits when it is gone, however it ended (``kill -9`` included), so
no pool of a killed sweep or comparison keeps its memory. Ctrl-C is the parent's alone:
the local pool's server and workers start with the interrupt ignored, so an interrupt
during their start-up prints no tracebacks of theirs.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..outputs import interrupts_held

EXECUTORS = ("local", "dask", "serial")


class WorkerLost(RuntimeError):
    """A local worker process died (killed, out of memory, crashed); the pool is unusable."""


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel a month of the model uses."""
    from sim import load_scenario, run

    run(load_scenario("tiny", ["simulation.burn_in_months=1"]), seed=0, months=1)


def die_with(parent: int, then: Callable[[], None] | None = None) -> threading.Thread:
    """Exit this process (status 1) as soon as process ``parent`` has ended.

    A daemon thread waits on a pidfd of ``parent`` (Linux 5.3+; it cannot be fooled by a
    reused process id) or, where there is none, polls ``parent``'s id once a second.
    ``then`` runs first (a Dask worker stops its nanny with it). An ended parent cannot
    receive results any more, so nothing is lost by exiting at once.
    """
    def wait() -> None:
        try:
            fd = os.pidfd_open(parent)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])  # readable once the process has ended
        else:  # pragma: no cover - kernels without pidfd
            while _alive(parent):
                time.sleep(1.0)
        if then is not None:
            with contextlib.suppress(Exception):
                then()
        os._exit(1)

    watcher = threading.Thread(target=wait, name=f"die-with-{parent}", daemon=True)
    watcher.start()
    return watcher


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process: alive
        return True
    return True


@contextlib.contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while child processes start, so that they start with it ignored.

    A process started with SIGINT ignored keeps it ignored through ``exec``, and Python
    then installs no KeyboardInterrupt handler in it: an interrupt reaches the parent
    alone, which stops the pool.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_init(parent: int, threads: int) -> None:
    """Local worker initializer: Ctrl-C to the parent, die with it, set threads, warm up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(parent)
    set_model_threads(threads)
    warm_up()


def threads_per_worker(workers: int) -> int:
    """Threads for the model's parallel kernels in each of ``workers`` local workers.

    The cores are shared out, at least one each: two workers on two cores run one thread
    each, so that no core is asked for two busy threads. Results do not depend on it.
    """
    return max(1, default_workers() // max(workers, 1))


def set_model_threads(threads: int) -> None:
    """Run the model's job matching on ``threads`` threads, in this thread from now on."""
    from sim.labour import set_matching_threads

    set_matching_threads(threads)


def _with_threads(fn: Callable[[Any], Any], task: Any, threads: int) -> Any:
    """``fn(task)`` with the model's kernels on ``threads`` threads (a Dask task)."""
    set_model_threads(threads)
    return fn(task)


def worker_pid(delay: float = 0.0) -> int:
    """The process id of the worker running this, after ``delay`` seconds.

    Mapping it over a pool shows that every worker has started (and warmed up).
    """
    time.sleep(delay)
    return os.getpid()


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SerialExecutor:
    """Runs tasks one after another in this process."""

    name = "serial"
    workers = 1

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield ``(task, fn(task))`` in order."""
        for task in tasks:
            yield task, fn(task)


class LocalExecutor:
    """A pool of local worker processes, each warmed up once by its initializer."""

    name = "local"

    def __init__(self, workers: int | None = None, start_method: str = "forkserver") -> None:
        """Use ``workers`` processes (default: one per core).

        Args:
            workers: number of worker processes.
            start_method: ``forkserver`` (default: workers fork from a clean server that
                has imported the model once) or ``spawn``.
        """
        self.workers = workers or default_workers()
        self.start_method = start_method
        self._pool: cf.ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        warm_up()  # compile once here so that workers only load numba's cache
        context = multiprocessing.get_context(self.start_method)
        with interrupts_ignored():
            if self.start_method == "forkserver":
                context.set_forkserver_preload(["analysis.experiments.sweep"])
                # The server starts now, with Ctrl-C ignored; workers fork from it later.
                multiprocessing.forkserver.ensure_running()
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_worker_init,
                initargs=(os.getpid(), threads_per_worker(self.workers)))
        return self

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        if self._pool is None:
            return
        if exc_type is not None:
            # Interrupted or failed: the runs in flight are not wanted any more, so stop the
            # workers now rather than wait for them to finish their runs.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
        else:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield ``(task, result)`` as workers finish, keeping each worker busy.

        Raises:
            WorkerLost: a worker process died; the message names the runs in flight.
        """
        assert self._pool is not None, "use LocalExecutor as a context manager"
        pending = iter(tasks)
        running: dict[cf.Future, Any] = {}
        window = 2 * self.workers
        while True:
            for task in pending:
                # A worker that submit starts is registered with the pool before Ctrl-C
                # is raised, so stopping the pool stops it too (interrupted earlier, it
                # would outlive this process and print a traceback).
                with interrupts_held():
                    running[self._pool.submit(fn, task)] = task
                if len(running) >= window:
                    break
            if not running:
                return
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    result = future.result()
                except cf.process.BrokenProcessPool:
                    lost = [task, *running.values()]
                    raise WorkerLost(
                        "a worker process died while running "
                        + ", ".join(str(getattr(t, "run_id", t)) for t in lost)
                    ) from None
                yield task, result


class DaskExecutor:
    """Runs tasks on a Dask distributed cluster."""

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        processes: bool = True,
        window: int = 512,
    ) -> None:
        """Connect to ``scheduler`` (``tcp://host:8786``) or start a LocalCluster.

        Args:
            scheduler: address of a running scheduler; None starts a LocalCluster.
            workers: LocalCluster workers (default: one per core), one thread each.
            processes: LocalCluster workers as processes (False: threads of this one).
            window: most tasks submitted and not yet finished at once.
        """
        self.scheduler = scheduler
        self.workers = workers or default_workers()
        self.processes = processes
        self.window = window
        self._client = None
        self._cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=self.processes,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        # Workers of a cluster started here end with this process; those of a cluster
        # given by its address belong to it and stay.
        local = os.getpid() if self._cluster is not None and self.processes else None
        self._client.register_plugin(_warm_up_plugin(local), name="kasvu-warm-up")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    @property
    def dashboard_link(self) -> str | None:
        """The scheduler's dashboard address, when it serves one."""
        return getattr(self._client, "dashboard_link", None) if self.scheduler else None

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Yield ``(task, result)`` as tasks finish.

        A task lost with its worker yields ``(task, exception)`` after Dask's own retries.
        """
        from distributed import as_completed

        pending = iter(tasks)
        running: dict[Any, Any] = {}

        # A cluster started here shares this machine's cores out among its workers (a
        # Dask task runs in a worker's thread, so the setting goes with each task); the
        # workers of a cluster given by its address keep their own (NUMBA_NUM_THREADS).
        threads = threads_per_worker(self.workers) if self._cluster is not None else None

        def submit(count: int) -> list[Any]:
            futures = []
            for task in pending:
                future = (self._client.submit(fn, task, pure=False) if threads is None else
                          self._client.submit(_with_threads, fn, task, threads, pure=False))
                running[future] = task
                futures.append(future)
                if len(futures) >= count:
                    break
            return futures

        finished = as_completed(submit(self.window))
        for future in finished:
            task = running.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost task is reported, not fatal
                result = exc
            future.release()
            yield task, result
            for new in submit(1):
                finished.add(new)


def _warm_up_plugin(parent: int | None = None) -> Any:
    """A Dask worker plugin running :func:`warm_up` on every worker, also on later ones.

    Workers joining an adaptive cluster warm up too. With ``parent`` (the process that
    started a local cluster), each worker also ends with that process, and stops its
    nanny first so that the nanny does not start it again. The class is built here so that
    importing this module does not import ``distributed``.
    """
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmUp(WorkerPlugin):
        def setup(self, worker: Any) -> None:
            if parent is not None:
                nanny = os.getppid()
                die_with(parent, then=lambda: os.kill(nanny, signal.SIGKILL))
            warm_up()

    return WarmUp()


def make_executor(
    kind: str = "local", workers: int | None = None, scheduler: str | None = None
) -> SerialExecutor | LocalExecutor | DaskExecutor:
    """The executor named ``kind`` (``local``, ``dask`` or ``serial``)."""
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if kind == "serial":
        return SerialExecutor()
    raise ValueError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
