//! A gate that misbehaves on purpose. Its `mode` parameter picks how:
//! `loop` runs forever, `grow` allocates without bound, `trap` panics,
//! `undeclared` queries evidence it did not declare. Built for
//! `wasm32-wasip2` it also imports WASI interfaces, which the host refuses.

use regops_kit::*;

pub struct HostileGate;

regops_kit::gate!(HostileGate);

impl Gate for HostileGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "hostile".into(),
            name: "Hostile test gate".into(),
            version: "0.0.0".into(),
            summary: "Misbehaves on purpose.".into(),
            clauses: vec![],
            needs: vec![EvidenceKind::Tests],
            uses: vec![],
            params: vec![param_spec(
                "mode",
                "How to misbehave: loop, grow, trap, undeclared, or pass",
                ValueType::Text,
                None,
                [
                    Value::Text("pass".into()),
                    Value::Text("pass".into()),
                    Value::Text("pass".into()),
                ],
            )],
            checks: vec![check_spec("hostile", "Misbehaves", &[])],
        }
    }

    fn evaluate(
        _ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        match params.text("mode")? {
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "grow" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "trap" => panic!("deliberate trap: this gate refuses to judge"),
            "undeclared" => {
                let components = evidence.components();
                Ok(vec![
                    CheckBuilder::new("hostile", &[])
                        .pass(format!("{} components", components.len())),
                ])
            }
            "env" => {
                // Reaches for the environment; only a wasip2 build can even try.
                let home = std::env::var("HOME").unwrap_or_default();
                Ok(vec![CheckBuilder::new("hostile", &[]).pass(home)])
            }
            _ => Ok(vec![CheckBuilder::new("hostile", &[]).pass("behaved")]),
        }
    }
}
