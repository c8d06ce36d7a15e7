//! Typed access to the effective parameters the host passes.

use std::fmt;

use crate::{Param, Severity, Value};

/// A parameter the gate expected is missing or has another type. The host
/// validates parameters against `describe`, so this means the gate and its
/// own description disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub name: String,
    pub expected: &'static str,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parameter `{}` is missing or is not a {}",
            self.name, self.expected
        )
    }
}

impl std::error::Error for ParamError {}

/// The effective parameters of one evaluation.
pub struct Params<'a> {
    params: &'a [Param],
}

impl<'a> Params<'a> {
    pub fn new(params: &'a [Param]) -> Self {
        Params { params }
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.value)
    }

    fn typed<T>(
        &self,
        name: &str,
        expected: &'static str,
        pick: impl Fn(&'a Value) -> Option<T>,
    ) -> Result<T, ParamError> {
        self.get(name).and_then(pick).ok_or_else(|| ParamError {
            name: name.to_string(),
            expected,
        })
    }

    pub fn ratio(&self, name: &str) -> Result<f64, ParamError> {
        self.typed(name, "ratio", |v| match v {
            Value::Ratio(r) => Some(*r),
            _ => None,
        })
    }

    pub fn number(&self, name: &str) -> Result<f64, ParamError> {
        self.typed(name, "number", |v| match v {
            Value::Number(n) => Some(*n),
            _ => None,
        })
    }

    pub fn count(&self, name: &str) -> Result<u64, ParamError> {
        self.typed(name, "count", |v| match v {
            Value::Count(n) => Some(*n),
            _ => None,
        })
    }

    pub fn flag(&self, name: &str) -> Result<bool, ParamError> {
        self.typed(name, "flag", |v| match v {
            Value::Flag(b) => Some(*b),
            _ => None,
        })
    }

    pub fn severity(&self, name: &str) -> Result<Severity, ParamError> {
        self.typed(name, "severity", |v| match v {
            Value::Severity(s) => Some(*s),
            _ => None,
        })
    }

    pub fn text(&self, name: &str) -> Result<&'a str, ParamError> {
        self.typed(name, "text", |v| match v {
            Value::Text(t) => Some(t.as_str()),
            _ => None,
        })
    }
}
