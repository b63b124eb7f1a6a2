"""Worker processes: none outlives its parent, Ctrl-C is one message, a dead worker is one too.

Each test starts ``kasvu`` in a session of its own, so that every process it starts (the
forkserver, the resource tracker, the workers) can be found by its session id, then
interrupts or kills something at a point it waits for (workers running), never after a
fixed time alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.outputs import interrupts_held

KASVU = str(Path(sys.executable).parent / "kasvu")
LONG_COMPARE = ["compare", "tiny", "tiny-alliance", "--reps", "40", "--months", "24",
                "--workers", "2", "--quiet", "--set", "simulation.burn_in_months=12"]
PATIENCE = 120  # seconds to wait for something that must happen (not a speed test)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="processes are found by session id in ps")


def start(args: list[str], out: Path) -> subprocess.Popen:
    return subprocess.Popen([KASVU, *args, "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def session(leader: int) -> list[int]:
    """Processes of the session ``leader`` started (the leader excluded)."""
    rows = subprocess.run(["ps", "-eo", "pid=,sid=,stat="], capture_output=True,
                          text=True).stdout.splitlines()
    return [int(pid) for pid, sid, stat in (row.split() for row in rows)
            if int(sid) == leader and int(pid) != leader and not stat.startswith("Z")]


def wait_for(condition, what: str):
    for _ in range(10 * PATIENCE):
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def workers_of(proc: subprocess.Popen) -> list[int]:
    """The pool's worker processes (children of the forkserver) once they run."""
    def found():
        pids = session(proc.pid)
        parents = {pid: _parent(pid) for pid in pids}
        return [pid for pid, ppid in parents.items() if ppid in parents] or None
    return wait_for(found, "worker processes")


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def test_kill_9_of_a_comparison_leaves_no_process_behind(tmp_path):
    proc = start(LONG_COMPARE, tmp_path / "out")
    workers_of(proc)
    proc.kill()
    proc.wait()
    wait_for(lambda: not session(proc.pid), "the pool's processes to end")
    assert not (tmp_path / "out").exists()


def test_kill_9_of_a_sweep_leaves_no_process_behind(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text('name = "s"\nbase = "tiny"\nset = ["simulation.burn_in_months=12"]\n'
                    "months = 24\nreplications = 20\nentropy = 1\n"
                    'outcomes = ["final_employed"]\n[design]\nkind = "factorial"\n'
                    '[[parameters]]\nkey = "labour.monthly_separation_rate"\n'
                    "values = [0.01, 0.015]\n", encoding="utf-8")
    proc = subprocess.Popen([KASVU, "sweep", str(spec), "--out", str(tmp_path / "sweep"),
                             "--workers", "2", "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    workers_of(proc)
    proc.kill()
    proc.wait()
    wait_for(lambda: not session(proc.pid), "the pool's processes to end")


@pytest.mark.parametrize("when", ["starting", "running"])
def test_ctrl_c_is_one_message_and_ends_every_process(tmp_path, when):
    proc = start(LONG_COMPARE, tmp_path / "out")
    if when == "running":
        workers_of(proc)
    else:  # while Python still imports the program, or the pool starts
        wait_for(lambda: Path(f"/proc/{proc.pid}").exists(), "kasvu to start")
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=PATIENCE)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err, err
    wait_for(lambda: not session(proc.pid), "the pool's processes to end")
    assert not (tmp_path / "out").exists()


def test_a_worker_killed_during_a_comparison_is_one_message(tmp_path):
    proc = start(LONG_COMPARE, tmp_path / "out")
    os.kill(workers_of(proc)[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=PATIENCE)
    assert proc.returncode == 1, err
    assert "worker process died" in err and "Traceback" not in err
    assert len(err) < 2000  # one message, not the runs' scenarios
    wait_for(lambda: not session(proc.pid), "the pool's processes to end")


def test_die_with_ends_the_process_when_its_parent_ends(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from analysis.experiments.executors import die_with\n"
        f"die_with({parent.pid})\n"
        "print('watching', flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "watching"
    parent.kill()
    parent.wait()
    assert child.wait(timeout=PATIENCE) == 1


def test_an_interrupt_while_a_worker_starts_waits_until_the_pool_knows_it():
    """Ctrl-C inside ``submit`` is held until ``submit`` has registered the worker it
    started, then raised: stopping the pool then stops that worker too."""
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the signal arrives; the block goes on
            steps.append("registered")
    assert steps == ["registered"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
