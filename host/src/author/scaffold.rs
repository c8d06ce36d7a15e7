//! `regops policy new`: a working gate to start from — source, fixtures, a
//! README and a CI workflow, plus the contract (and for Rust, the kit)
//! generated from this regops.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::{Lang, starting_lockfile, toolchain_channel, valid_name, write, write_generated};
use crate::policy::contract::{CONTRACT_VERSION, REGOPS_VERSION};

/// Files every gate gets: (path in the gate, template).
const COMMON: &[(&str, &str)] = &[
    ("policy.toml", include_str!("templates/common/policy.toml")),
    ("README.md", include_str!("templates/common/README.md")),
    (".gitignore", include_str!("templates/common/.gitignore")),
    (
        ".github/workflows/policy.yml",
        include_str!("templates/common/.github/workflows/policy.yml"),
    ),
    (
        "fixtures/all-pass/fixture.toml",
        include_str!("templates/common/fixtures/all-pass/fixture.toml"),
    ),
    (
        "fixtures/all-pass/junit.xml",
        include_str!("templates/common/fixtures/all-pass/junit.xml"),
    ),
    (
        "fixtures/a-test-fails/fixture.toml",
        include_str!("templates/common/fixtures/a-test-fails/fixture.toml"),
    ),
    (
        "fixtures/a-test-fails/junit.xml",
        include_str!("templates/common/fixtures/a-test-fails/junit.xml"),
    ),
    (
        "fixtures/a-skip-allowed-by-params/fixture.toml",
        include_str!("templates/common/fixtures/a-skip-allowed-by-params/fixture.toml"),
    ),
    (
        "fixtures/a-skip-allowed-by-params/junit.xml",
        include_str!("templates/common/fixtures/a-skip-allowed-by-params/junit.xml"),
    ),
];

const RUST: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("templates/rust/Cargo.toml")),
    ("src/lib.rs", include_str!("templates/rust/src/lib.rs")),
];

const PYTHON: &[(&str, &str)] = &[("src/app.py", include_str!("templates/python/src/app.py"))];

/// Scaffolds gate `name` in `dir` (default `./<name>`); returns the directory.
pub fn new(name: &str, lang: Lang, dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    valid_name(name).map_err(anyhow::Error::msg)?;
    let dir = dir.map_or_else(|| PathBuf::from(name), Path::to_path_buf);
    if std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some()) {
        bail!(
            "{} exists and is not empty; choose another name, or a new directory with `--dir`",
            dir.display()
        );
    }
    let vars = variables(name, lang);
    let own = match lang {
        Lang::Rust => RUST,
        Lang::Python => PYTHON,
    };
    for (path, template) in COMMON.iter().chain(own) {
        write(&dir.join(path), &render(template, &vars))?;
    }
    if lang == Lang::Rust {
        write(&dir.join("Cargo.lock"), &starting_lockfile())?;
        if let Some(channel) = toolchain_channel() {
            write(
                &dir.join("rust-toolchain.toml"),
                &format!(
                    "# The toolchain regops {REGOPS_VERSION} is built with, and the target gates build for.\n\
                     [toolchain]\nchannel = \"{channel}\"\ncomponents = [\"rustfmt\", \"clippy\"]\n\
                     targets = [\"wasm32-unknown-unknown\"]\nprofile = \"minimal\"\n"
                ),
            )?;
        }
    }
    write_generated(&dir, lang)
        .with_context(|| format!("writing the generated files of {}", dir.display()))?;
    Ok(dir)
}

/// Replaces every `{{key}}` of a template.
fn render(template: &str, vars: &[(&str, String)]) -> String {
    vars.iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

fn variables(name: &str, lang: Lang) -> Vec<(&'static str, String)> {
    let (lang_name, lang_rows, generated_extra, lang_steps, lang_notes) = match lang {
        Lang::Rust => (
            "Rust",
            "| `src/lib.rs` | the gate: `describe` and `evaluate`, with native unit tests |\n\
             | `Cargo.toml`, `Cargo.lock`, `rust-toolchain.toml` | the crate, its pinned dependencies and toolchain |\n",
            ", `vendor/regops-kit/`",
            "      - name: Unit tests\n        run: cargo test\n",
            "\n`cargo test` runs the unit tests in `src/lib.rs` natively, once\n\
             `regops policy build` (or `test`) has written `vendor/regops-kit/`.\n"
                .to_string(),
        ),
        Lang::Python => (
            "Python",
            "| `src/app.py` | the gate: `describe` and `evaluate` (componentize-py's `app` module) |\n",
            "",
            "",
            format!(
                "\nThe component is built by componentize-py {cp}, which regops installs\n\
                 into a virtual environment under `~/.cache/regops` (or `$REGOPS_CACHE_DIR`)\n\
                 on first use, with WASI replaced by trapping stubs (`--stub-wasi`): the\n\
                 gate gets no files, clock, environment or randomness, so `print` traps —\n\
                 log with `wit_world.imports.host.log`. It embeds CPython, so it is large\n\
                 (about 18 MB) and takes seconds to compile at load, where a Rust gate\n\
                 takes a fraction of a second.\n",
                cp = super::COMPONENTIZE_PY
            ),
        ),
    };
    vec![
        ("gate", name.to_string()),
        ("crate", format!("regops-gate-{name}")),
        ("lang", lang.as_str().to_string()),
        ("lang_name", lang_name.to_string()),
        ("lang_rows", lang_rows.to_string()),
        ("lang_steps", lang_steps.to_string()),
        ("lang_notes", lang_notes),
        ("generated_extra", generated_extra.to_string()),
        ("contract", CONTRACT_VERSION.to_string()),
        ("regops_version", REGOPS_VERSION.to_string()),
        ("repository", env!("CARGO_PKG_REPOSITORY").to_string()),
    ]
}
