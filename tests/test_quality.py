"""The codebase's own rules, checked by the suite: layering, lint, types."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = BIN / args[0]
    executable = str(tool) if tool.exists() else shutil.which(args[0])
    assert executable, f"{args[0]} is not installed (pip install -e .[test])"
    return subprocess.run(
        [executable, *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )


def test_layering_contracts_hold() -> None:
    """DESIGN §2: imports point downwards; Qt, cv2, httpx, sqlite only where they belong."""
    result = run_tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or " 0 broken" in result.stdout.lower()


#: What kiosk.domain may import (DESIGN §2: pure rules, stdlib plus PyJWT/cryptography; cbor2 and
#: base45 decode the compact QR token, bytes in and out, no I/O: docs/decisions.md).
#: Standard-library modules that do no I/O. ``urllib.parse`` only splits strings (the QR may be
#: a URL with ``?token=``); ``zoneinfo`` reads the time-zone database, which is static data.
DOMAIN_STDLIB = frozenset(
    {
        "__future__",
        "abc",
        "base64",
        "binascii",
        "bisect",
        "collections",
        "collections.abc",
        "copy",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "hmac",
        "itertools",
        "json",
        "math",
        "operator",
        "re",
        "statistics",
        "string",
        "types",
        "typing",
        "unicodedata",
        "urllib.parse",
        "uuid",
        "zoneinfo",
    }
)
DOMAIN_THIRD_PARTY = ("jwt", "cryptography", "cbor2", "base45")
#: Never allowed, whatever the list above grows into: these touch files, processes or network.
IO_MODULES = frozenset(
    [
        "os",
        "pathlib",
        "shutil",
        "io",
        "tempfile",
        "glob",
        "socket",
        "subprocess",
        "urllib",
        "urllib.request",
        "http",
        "sqlite3",
        "threading",
        "logging",
        "sys",
        "signal",
        "select",
    ]
)


def imported_modules(source: str) -> set[str]:
    """Every module a file imports, wherever the import statement is (functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # kiosk/domain has no sub-packages: "." is kiosk.domain, ".." already kiosk.
            base = {0: "", 1: "kiosk.domain"}.get(node.level, "kiosk")
            found.add(".".join(part for part in (base, node.module) if part))
    return found


def domain_violations(modules: set[str]) -> set[str]:
    def allowed(name: str) -> bool:
        top = name.split(".")[0]
        return (
            name in DOMAIN_STDLIB
            or top in DOMAIN_THIRD_PARTY
            or name == "kiosk.domain"
            or name.startswith("kiosk.domain.")
        )

    return {name for name in modules if not allowed(name)}


def test_domain_imports_only_pure_stdlib_jwt_and_cryptography() -> None:
    """An allowlist, not a blocklist: a new import in kiosk.domain needs a decision here."""
    assert all(name.split(".")[0] in sys.stdlib_module_names for name in DOMAIN_STDLIB)
    assert not DOMAIN_STDLIB & IO_MODULES
    files = sorted((ROOT / "kiosk" / "domain").rglob("*.py"))
    assert files
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in domain_violations(imported_modules(path.read_text(encoding="utf-8")))
    }
    assert not bad, "kiosk.domain must stay pure (DESIGN §2):\n" + "\n".join(sorted(bad))


def test_domain_allowlist_catches_io() -> None:
    sample = "import os\nfrom pathlib import Path\ndef f():\n    import urllib.request\n"
    assert domain_violations(imported_modules(sample)) == {"os", "pathlib", "urllib.request"}
    assert domain_violations(imported_modules("from ..services import board\n")) == {
        "kiosk.services"
    }
    fine = "import jwt\nfrom cryptography.x509 import Name\nfrom . import model\n"
    assert domain_violations(imported_modules(fine)) == set()


#: What only kiosk.runtime builds: the services and the adapters that make up a running kiosk.
#: The import-linter contract "Only the runtime assembles the kiosk" keeps the faces from
#: importing most of these; this check also covers the services, which the UI imports for
#: their types.
ASSEMBLED_BY_THE_RUNTIME = frozenset(
    {
        "SqliteStore",
        "HttpBackend",
        "SystemClock",
        "KeyringVault",
        "DailyBackup",
        "DiagnosticsFiles",
        "ScanLoopFactory",
        "Camera",
        "ScanLoop",
        "DecodePipeline",
        "open_source",
        "SyncEngine",
        "SyncLoop",
        "CheckInService",
        "BoardService",
        "ProvisioningService",
        "SetupService",
        "PreferencesService",
        "PinService",
        "ReceptionService",
        "ScanCoordinator",
    }
)
#: Tools that inspect rather than run a kiosk (the same exceptions as the contract's).
ASSEMBLY_EXCEPTIONS = frozenset(
    {
        ("kiosk/commands/doctor.py", "KeyringVault"),  # probes the keyring
        ("kiosk/commands/decode.py", "DecodePipeline"),  # reads still images
    }
)


def assembly_calls(source: str) -> set[str]:
    """Names from :data:`ASSEMBLED_BY_THE_RUNTIME` called (or whose class methods are)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            target = node.func.value if isinstance(node.func, ast.Attribute) else node.func
            if isinstance(target, ast.Name) and target.id in ASSEMBLED_BY_THE_RUNTIME:
                found.add(target.id)
    return found


def test_only_the_runtime_assembles_the_kiosk() -> None:
    kiosk = ROOT / "kiosk"
    faces = [
        kiosk / "app.py",
        kiosk / "launch.py",
        kiosk / "gui.py",
        kiosk / "demo.py",
        kiosk / "__main__.py",
        *(kiosk / "commands").rglob("*.py"),
        *(kiosk / "ui").rglob("*.py"),
    ]
    bad = {
        f"{relative}: {name}"
        for path in faces
        for name in assembly_calls(path.read_text(encoding="utf-8"))
        if ((relative := path.relative_to(ROOT).as_posix()), name) not in ASSEMBLY_EXCEPTIONS
    }
    assert not bad, "build these in kiosk.runtime, not here:\n" + "\n".join(sorted(bad))
    assert assembly_calls((kiosk / "runtime.py").read_text(encoding="utf-8")) >= {
        "SqliteStore",
        "HttpBackend",
        "SyncEngine",
        "SyncLoop",
        "DailyBackup",
        "ScanLoopFactory",
        "Camera",
    }


def test_assembly_check_sees_calls_and_class_methods() -> None:
    sample = "a = SqliteStore(p)\nb = KeyringVault.memory_only()\nc = runtime.store\n"
    assert assembly_calls(sample) == {"SqliteStore", "KeyringVault"}


def test_ruff_is_clean() -> None:
    result = run_tool("ruff", "check", "kiosk", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = run_tool("ruff", "format", "--check", "kiosk", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_kiosk() -> None:
    result = run_tool("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout + result.stderr


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_docs_link_only_to_files_of_the_repository() -> None:
    """A clone is whole: no link (or path) outside it, every relative link resolves."""
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "installer").rglob("*.md")]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "../shared" in text:
            broken.append(f"{page.relative_to(ROOT)}: refers to ../shared")
        for target in _LINK.findall(text):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = (page.parent / target.split("#")[0]).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, "\n".join(broken)
