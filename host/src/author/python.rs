//! Python gates: componentize-py, installed from PyPI into a virtual
//! environment that regops keeps in its cache directory, run with
//! `--stub-wasi` so the component imports nothing but the contract.
//!
//! Why `--stub-wasi` rather than composing with a hand-made stub component:
//! it is componentize-py's own supported way to drop WASI, it replaces every
//! WASI import (whatever the CPython build happens to pull in) with a trap,
//! and it needs no second tool. The host's import allow-list stays as it is.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

/// The componentize-py release Python gates are built with. Changing it
/// changes every Python gate's bytes, so it is pinned here, in one place.
pub const COMPONENTIZE_PY: &str = "0.25.1";

/// Where regops keeps tools it installs: `$REGOPS_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/regops`, else `~/.cache/regops`.
pub fn cache_dir() -> anyhow::Result<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("REGOPS_CACHE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Ok(PathBuf::from(dir).join("regops"));
    }
    match var("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".cache").join("regops")),
        None => bail!("cannot place regops' cache: set REGOPS_CACHE_DIR (or HOME)"),
    }
}

/// The componentize-py executable, installed first when it is not there.
pub fn componentize_py() -> anyhow::Result<PathBuf> {
    let venv = cache_dir()?.join(format!("componentize-py-{COMPONENTIZE_PY}"));
    let exe = venv.join("bin").join("componentize-py");
    // Written last: a venv without it is a broken install, redone whole.
    let ready = venv.join(".regops-ready");
    if ready.exists() && exe.exists() {
        return Ok(exe);
    }
    let python = std::env::var_os("REGOPS_PYTHON").unwrap_or_else(|| "python3".into());
    eprintln!(
        "installing componentize-py {COMPONENTIZE_PY} from PyPI into {} (once)",
        venv.display()
    );
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .with_context(|| format!("removing the incomplete {}", venv.display()))?;
    }
    run(
        Command::new(&python).arg("-m").arg("venv").arg(&venv),
        "creating a Python virtual environment (needs python3 with its venv module; \
         set REGOPS_PYTHON to use another interpreter)",
    )?;
    run(
        Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("componentize-py=={COMPONENTIZE_PY}"),
        ]),
        &format!("installing componentize-py {COMPONENTIZE_PY} from PyPI"),
    )?;
    std::fs::write(&ready, COMPONENTIZE_PY)
        .with_context(|| format!("writing {}", ready.display()))?;
    Ok(exe)
}

/// Runs componentize-py on `dir/src/app.py` against `dir/wit`; returns the component.
pub fn componentize(dir: &Path, out: &Path) -> anyhow::Result<Vec<u8>> {
    let app = dir.join("src").join("app.py");
    if !app.is_file() {
        bail!(
            "{} is missing: a Python gate's entry point is the module `app` in src/",
            app.display()
        );
    }
    let exe = componentize_py()?;
    let mut cmd = Command::new(&exe);
    cmd.arg("-d")
        .arg(dir.join("wit"))
        .arg("-w")
        .arg(super::world())
        .arg("componentize")
        .arg("--stub-wasi")
        .arg("-p")
        .arg(dir.join("src"))
        .arg("app")
        .arg("-o")
        .arg(out)
        // Only the gate's own sources: never the packages of a virtual
        // environment the author happens to have active.
        .env_remove("VIRTUAL_ENV");
    run(&mut cmd, "componentize-py (see its message above)")?;
    std::fs::read(out).with_context(|| format!("reading {}", out.display()))
}

fn run(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    // Their chatter goes with regops' own progress, on standard error.
    let status = cmd
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .with_context(|| format!("{what}: cannot start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
