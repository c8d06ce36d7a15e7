//! Effective gate parameters: the gate's class default, or the configured
//! override after checking it against the gate's declaration.

use regops_evidence::Severity;
use serde::Serialize;

use crate::config::{ConfigError, GateConfig, SafetyClass, Source};
use crate::policy::bindings::types as wit;
use crate::policy::value_from;
use crate::verdict::Value;

/// A parameter's value in this run and who set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveParam {
    pub name: String,
    pub value: Value,
    /// `default (class B)` or `regops.toml:12`.
    pub origin: String,
}

/// Validates every override of a gate (at every class, so a typo in the C
/// table is caught while running at B) and returns the effective values
/// for `class`. All problems are returned together.
pub fn resolve(
    info: &wit::GateInfo,
    gate: &GateConfig,
    class: SafetyClass,
    source: &Source,
) -> Result<Vec<EffectiveParam>, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut overrides: Vec<(String, Value, String)> = Vec::new();
    for (override_class, values) in &gate.params {
        for (name, raw) in values {
            let Some(spec) = info.params.iter().find(|p| &p.name == name.get_ref()) else {
                let known: Vec<&str> = info.params.iter().map(|p| p.name.as_str()).collect();
                errors.push(source.error_at(
                    name.span(),
                    format!(
                        "gate `{}` has no parameter `{}`; its parameters are: {}",
                        gate.id.get_ref(),
                        name.get_ref(),
                        known.join(", ")
                    ),
                ));
                continue;
            };
            match convert(spec, raw.get_ref()) {
                Ok(value) if *override_class == class => {
                    overrides.push((spec.name.clone(), value, source.origin(raw.span())));
                }
                Ok(_) => {}
                Err(problem) => errors.push(source.error_at(
                    raw.span(),
                    format!(
                        "gate `{}` parameter `{}`: {problem}",
                        gate.id.get_ref(),
                        spec.name
                    ),
                )),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(info
        .params
        .iter()
        .map(
            |spec| match overrides.iter().find(|(name, ..)| *name == spec.name) {
                Some((name, value, origin)) => EffectiveParam {
                    name: name.clone(),
                    value: value.clone(),
                    origin: origin.clone(),
                },
                None => EffectiveParam {
                    name: spec.name.clone(),
                    value: value_from(match class {
                        SafetyClass::A => &spec.defaults.a,
                        SafetyClass::B => &spec.defaults.b,
                        SafetyClass::C => &spec.defaults.c,
                    }),
                    origin: format!("default (class {class})"),
                },
            },
        )
        .collect())
}

/// A TOML value as the parameter's declared type, within its bounds.
fn convert(spec: &wit::ParamSpec, raw: &toml::Value) -> Result<Value, String> {
    let number = |raw: &toml::Value| match raw {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    let value = match spec.type_ {
        wit::ValueType::Flag => raw
            .as_bool()
            .map(Value::Flag)
            .ok_or("expected true or false")?,
        wit::ValueType::Count => match raw {
            toml::Value::Integer(i) if *i >= 0 => Value::Count(*i as u64),
            _ => return Err("expected a whole number, 0 or more".into()),
        },
        wit::ValueType::Ratio => {
            let r = number(raw).ok_or("expected a fraction from 0 to 1, e.g. 0.75 for 75%")?;
            if !(0.0..=1.0).contains(&r) {
                return Err(format!(
                    "{r} is not a fraction from 0 to 1; write 75% as 0.75"
                ));
            }
            Value::Ratio(r)
        }
        wit::ValueType::Number => Value::Number(number(raw).ok_or("expected a number")?),
        wit::ValueType::Text => Value::Text(raw.as_str().ok_or("expected a string")?.to_string()),
        wit::ValueType::Severity => {
            let word = raw
                .as_str()
                .ok_or("expected one of \"none\", \"low\", \"medium\", \"high\", \"critical\"")?;
            match Severity::from_word(word) {
                Some(s) if s != Severity::Unknown => Value::Severity(s),
                _ => {
                    return Err(format!(
                        "`{word}` is not a severity; expected one of none, low, medium, high, critical"
                    ));
                }
            }
        }
    };
    let numeric = match &value {
        Value::Count(c) => Some(*c as f64),
        Value::Number(n) | Value::Ratio(n) => Some(*n),
        _ => None,
    };
    if let Some(n) = numeric {
        if let Some(min) = spec.min.filter(|min| n < *min) {
            return Err(format!("{n} is below the minimum {min}"));
        }
        if let Some(max) = spec.max.filter(|max| n > *max) {
            return Err(format!("{n} is above the maximum {max}"));
        }
    }
    Ok(value)
}
