"""`make setup` installs the system packages the pipelines need (docker/system-packages).

apt-get, sudo, id and dpkg-query are fakes on PATH that log their arguments, so nothing is installed
and the tests run the same as root, as a user, or in the test image (bash, coreutils, make only)."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

SCRIPT = ROOT / "docker" / "system-packages"

FAKES = {
    # dpkg-query -W -f='${Status}' PACKAGE: the status dpkg would print for FAKE_INSTALLED,
    # FAKE_REMOVED (removed, config files kept: still missing) and any other, unknown, package.
    "dpkg-query": r"""
pkg=${!#}
case " $FAKE_INSTALLED " in *" $pkg "*) printf 'install ok installed'; exit 0;; esac
case " $FAKE_REMOVED " in *" $pkg "*) printf 'deinstall ok config-files'; exit 0;; esac
echo "dpkg-query: no packages found matching $pkg" >&2; exit 1
""",
    "id": r"""
case "${1:-}" in -u|-g) echo "$FAKE_UID";; *) echo "uid=$FAKE_UID";; esac
""",
    # Password-less only when FAKE_SUDO=nopasswd; then runs the command, marked as run through sudo.
    "sudo": r"""
[ "$FAKE_SUDO" = nopasswd ] || { echo "sudo: a password is required" >&2; exit 1; }
[ "$1" = -n ] && shift
FAKE_VIA_SUDO=1 exec "$@"
""",
    # Logs whether it came through sudo and with which DEBIAN_FRONTEND, then its arguments.
    "apt-get": r"""
printf '%s|%s|%s\n' "${FAKE_VIA_SUDO:-0}" "${DEBIAN_FRONTEND:-}" "$*" >> "$FAKE_LOG/apt-get.calls"
""",
}


@pytest.fixture
def fake(tmp_path):
    """Run the script or make with the fakes first on PATH; `.calls(name)` reads a fake's log."""
    bin_dir, log = tmp_path / "bin", tmp_path / "log"
    bin_dir.mkdir()
    log.mkdir()
    for name, body in FAKES.items():
        path = bin_dir / name
        # Every fake logs its argv first (one line per call).
        path.write_text('#!/usr/bin/env bash\necho "$*" >> "$FAKE_LOG/%s.log"\n%s' % (name, body.lstrip()))
        path.chmod(0o755)

    class Fake:
        tmp = tmp_path

        @staticmethod
        def env(uid=0, sudo="password", installed=(), removed=(), path=None):
            env = {k: v for k, v in os.environ.items()
                   if k not in ("DEBIAN_FRONTEND", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
            env.update(PATH=path or "%s:%s" % (bin_dir, os.environ["PATH"]), FAKE_LOG=str(log),
                       FAKE_UID=str(uid), FAKE_SUDO=sudo,
                       FAKE_INSTALLED=" ".join(installed), FAKE_REMOVED=" ".join(removed))
            return env

        @staticmethod
        def run(argv, **env):
            return subprocess.run([str(a) for a in argv], env=Fake.env(**env), cwd=str(ROOT),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True, timeout=120)

        @staticmethod
        def calls(name):
            path = log / (name + ".log")
            return path.read_text().splitlines() if path.exists() else []

        @staticmethod
        def apt_get():
            """(through sudo?, DEBIAN_FRONTEND, arguments) of each apt-get call."""
            path = log / "apt-get.calls"
            lines = path.read_text().splitlines() if path.exists() else []
            return [tuple(line.split("|", 2)) for line in lines]

        @staticmethod
        def reset():
            for path in log.iterdir():
                path.unlink()

    return Fake


def all_packages(fake):
    """The script's list, read the way it acts on it: as root with nothing installed."""
    result = fake.run([SCRIPT], uid=0)
    assert result.returncode == 0, result.stderr
    install = [args for _, _, args in fake.apt_get() if args.startswith("install ")]
    assert len(install) == 1, fake.apt_get()
    packages = install[0].split()[3:]
    assert install[0].split()[:3] == ["install", "-y", "--no-install-recommends"], install
    fake.reset()
    return packages


def test_as_root_installs_exactly_the_missing_packages(fake):
    packages = all_packages(fake)
    for needed in ("chromium", "chromium-driver", "fonts-noto-color-emoji"):
        assert needed in packages
    # chromium installed, the font removed with its configuration kept (so still missing)
    missing = [p for p in packages if p != "chromium"]
    result = fake.run([SCRIPT], uid=0, installed=["chromium"], removed=["fonts-noto-color-emoji"])
    assert result.returncode == 0, result.stderr
    assert fake.apt_get() == [
        ("0", "noninteractive", "update -qq"),
        ("0", "noninteractive", "install -y --no-install-recommends " + " ".join(missing)),
    ]
    assert fake.calls("sudo") == []


def test_as_root_with_everything_installed_calls_no_apt_get(fake):
    packages = all_packages(fake)
    result = fake.run([SCRIPT], uid=0, installed=packages)
    assert result.returncode == 0, result.stderr
    assert len(fake.calls("dpkg-query")) == len(packages)
    assert fake.apt_get() == []


def test_passwordless_sudo_installs_through_sudo(fake):
    packages = all_packages(fake)
    missing = packages[1:]
    result = fake.run([SCRIPT], uid=1000, sudo="nopasswd", installed=packages[:1])
    assert result.returncode == 0, result.stderr
    assert fake.calls("sudo")[0] == "-n true"
    assert all(call.startswith("-n ") for call in fake.calls("sudo"))
    assert fake.apt_get() == [
        ("1", "noninteractive", "update -qq"),
        ("1", "noninteractive", "install -y --no-install-recommends " + " ".join(missing)),
    ]


@pytest.mark.parametrize("jobs", [[], ["-j2"]], ids=["serial", "parallel"])
def test_make_setup_without_root_or_sudo_stops_before_anything(fake, jobs):
    packages = all_packages(fake)
    missing = packages[1:]
    venv, ingest = fake.tmp / "venv", fake.tmp / "venv-ingest"
    result = fake.run(["make", "--no-print-directory", "-C", ROOT] + jobs
                      + ["setup", "RUNNER=local", "VENV=%s" % venv, "INGEST_VENV=%s" % ingest],
                      uid=1000, sudo="password", installed=packages[:1])
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "\n  sudo apt-get install -y %s\n" % " ".join(missing) in out
    assert "make setup again" in out
    assert not venv.exists() and not ingest.exists(), out
    assert "creating" not in out
    assert fake.apt_get() == []


def test_without_dpkg_query_it_says_what_is_needed_and_goes_on(fake, tmp_path):
    packages = all_packages(fake)
    # PATH holds only the fakes, less dpkg-query: what a system without dpkg looks like.
    (tmp_path / "bin" / "dpkg-query").unlink()
    result = subprocess.run([shutil.which("bash"), str(SCRIPT)],
                            env=fake.env(uid=0, path=str(tmp_path / "bin")),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for package in packages:
        assert package in result.stderr
    assert fake.apt_get() == []


def dry_run_setup(fake, *args):
    result = fake.run(["make", "--no-print-directory", "-n", "-C", ROOT, "setup",
                       "VENV=%s" % (fake.tmp / "venv"), "INGEST_VENV=%s" % (fake.tmp / "venv-ingest")]
                      + list(args), uid=1000)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_setup_checks_first_unless_opted_out_or_docker(fake):
    assert dry_run_setup(fake, "RUNNER=local")[0] == "docker/system-packages"
    assert "docker/system-packages" not in dry_run_setup(fake, "RUNNER=local", "SYSTEM_PACKAGES=0")
    assert "docker/system-packages" not in dry_run_setup(fake, "RUNNER=docker", "DOCKER_FLAVOUR=cpu")
    help_text = fake.run(["make", "--no-print-directory", "-C", ROOT, "help"]).stdout
    assert "SYSTEM_PACKAGES" in help_text and "system-packages" in help_text
