//! Reading a run's points: the series of one measure, the latest step and evaluations, and the
//! losses per language.

use std::collections::BTreeMap;

use polytune_api::RunPoint;
use serde_json::Value;

/// One measure over the steps: `(step, value)` for the points of one kind (`step` or `eval`).
pub(super) fn step_series(points: &[RunPoint], kind: &str, key: &str) -> Vec<(f64, f64)> {
    points.iter().filter(|p| p.kind == kind).filter_map(|p| Some((p.step as f64, p.data[key].as_f64()?))).collect()
}

pub(super) fn lang_map(v: &Value) -> BTreeMap<String, f64> {
    v.as_object().map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect()).unwrap_or_default()
}

/// The evaluation before any training: the base model's reference.
pub(super) fn base_eval(points: &[RunPoint]) -> Option<&RunPoint> {
    points.iter().find(|p| p.kind == "eval" && p.step == 0)
}

pub(super) fn latest_eval(points: &[RunPoint]) -> Option<&RunPoint> {
    points.iter().rev().find(|p| p.kind == "eval" && p.step > 0)
}

pub(super) fn latest_step(points: &[RunPoint]) -> Option<&RunPoint> {
    points.iter().rev().find(|p| p.kind == "step")
}

/// Differences smaller than this between two losses are within run-to-run noise.
pub(super) const NOISE: f64 = 0.01;
