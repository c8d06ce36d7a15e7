//! Check levels: per safety class, a check can count as `error` (the
//! default: not met fails the gate), `warning` (not met is reported as
//! `warn`) or `off` (reported as `off`, never silently dropped).

use crate::config::{ConfigError, GateConfig, SafetyClass, Source};
use crate::policy::bindings::types as wit;
use crate::verdict::{Level, Outcome, Verdict};

/// A configured check level and the `file:line` that set it.
#[derive(Debug, Clone)]
pub struct LevelSetting {
    pub check: String,
    pub level: Level,
    pub origin: String,
}

/// Validates every level of a gate (at every class) against the checks it
/// declares, and returns the levels in force at `class`.
pub fn resolve(
    info: &wit::GateInfo,
    gate: &GateConfig,
    class: SafetyClass,
    source: &Source,
) -> Result<Vec<LevelSetting>, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut levels = Vec::new();
    for (level_class, entries) in &gate.levels {
        for (check, level) in entries {
            if !info.checks.iter().any(|c| &c.id == check.get_ref()) {
                let known: Vec<&str> = info.checks.iter().map(|c| c.id.as_str()).collect();
                errors.push(source.error_at(
                    check.span(),
                    format!(
                        "gate `{}` has no check `{}`; its checks are: {}",
                        gate.id.get_ref(),
                        check.get_ref(),
                        known.join(", ")
                    ),
                ));
                continue;
            }
            let parsed = match level.get_ref().as_str() {
                "error" => Level::Error,
                "warning" => Level::Warning,
                "off" => Level::Off,
                other => {
                    errors.push(source.error_at(
                        level.span(),
                        format!(
                            "`{other}` is not a check level; use \"error\", \"warning\" or \"off\""
                        ),
                    ));
                    continue;
                }
            };
            if *level_class == class {
                levels.push(LevelSetting {
                    check: check.get_ref().clone(),
                    level: parsed,
                    origin: source.origin(level.span()),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(levels)
    } else {
        Err(errors)
    }
}

/// Applies levels to a verdict's checks. An `error` outcome (could not
/// evaluate) stays `error` at `warning`: not knowing is not a warning.
pub fn apply(verdict: &mut Verdict, levels: &[LevelSetting]) {
    for check in &mut verdict.checks {
        let Some(setting) = levels.iter().find(|s| s.check == check.id) else {
            continue;
        };
        check.level = setting.level;
        check.level_origin = Some(setting.origin.clone());
        match setting.level {
            Level::Error => {}
            Level::Warning => {
                if check.outcome == Outcome::Fail {
                    check.outcome = Outcome::Warn;
                }
            }
            Level::Off => check.outcome = Outcome::Off,
        }
    }
}
