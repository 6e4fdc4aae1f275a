//! Charts drawn as SVG by Leptos views (themable through CSS; every chart has a table view).

use std::collections::HashMap;

use leptos::prelude::*;

use crate::components::format::significant;
use crate::i18n::{Msg, t};

/// Twenty colours told apart from each other on both themes: hue and lightness both vary, so
/// two languages on one chart never come out as two near-identical yellows.
const LANG_PALETTE: [&str; 20] = [
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#edc948", "#b07aa1", "#76b7b2", "#ff9da7", "#9c755f", "#8c8c8c",
    "#1d4e89", "#b85a0d", "#8f1d21", "#2d6a1f", "#a68a00", "#6b3f8f", "#2a7f7a", "#c2185b", "#5d4037", "#17becf",
];

/// Languages with a place of their own in [`LANG_PALETTE`]: those most often shown together
/// (the studio's own low-resource languages beside the large ones) never share a colour.
const FIXED_LANGS: [&str; 20] = [
    "eng", "fra", "spa", "deu", "swa", "yor", "eus", "kaz", "ltz", "que", "zho", "ara", "hin", "por", "rus", "jpn",
    "ita", "dan", "ind", "tur",
];

/// One stable colour per language across every chart: a fixed palette place for the languages
/// in [`FIXED_LANGS`], otherwise a hue from the code's hash at a lightness between the palette's.
pub fn lang_color(code: &str) -> String {
    let base = code.split('-').next().unwrap_or(code);
    if let Some(i) = FIXED_LANGS.iter().position(|l| *l == base) {
        return LANG_PALETTE[i].to_string();
    }
    // FNV-1a: stable across builds and machines.
    let mut h: u32 = 0x811c_9dc5;
    for b in base.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    // Golden-angle steps spread neighbouring hashes apart; three lightness levels separate
    // languages whose hues land close.
    let hue = (h % 360) as f64 * 137.508 % 360.0;
    let light = [42, 52, 62][(h / 360 % 3) as usize];
    format!("hsl({hue:.0} 60% {light}%)")
}

/// Colours for things that are not languages (runs side by side, training vs validation),
/// distinct from each other and readable on both themes.
pub const PALETTE: [&str; 6] = ["#4c6ef5", "#f76707", "#2f9e44", "#d6336c", "#1098ad", "#ae3ec9"];

fn fmt_x(v: f64, integral: bool) -> String {
    if integral { format!("{v:.0}") } else { significant(v) }
}

/// One line of a [`LineChart`]: its label, a CSS colour, and its (x, y) points.
pub type Series = (String, String, Vec<(f64, f64)>);

const W: f64 = 560.0;
const H: f64 = 220.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 42.0;
/// Rows of the table view; longer series are shown every n-th x.
const TABLE_ROWS: usize = 200;

/// Several series over a shared x axis, with min/middle/max ticks, a legend, a `<title>` per
/// series (a tooltip), and the same numbers as a table one click away.
#[component]
pub fn LineChart(
    /// The lines; it redraws when they change, keeping the table view open or closed.
    #[prop(into)]
    series: Signal<Vec<Series>>,
    /// What the chart shows, for screen readers ("Training loss").
    #[prop(into)]
    label: String,
    #[prop(into)] x_label: String,
    #[prop(into)] y_label: String,
    /// Extra classes of the wrapping element (e.g. `chart-loss`).
    #[prop(optional, into)]
    class: String,
    /// Said while there is nothing to draw.
    #[prop(optional, into)]
    empty: Option<String>,
) -> impl IntoView {
    let label = StoredValue::new(label);
    let x_label = StoredValue::new(x_label);
    let y_label = StoredValue::new(y_label);
    let empty = StoredValue::new(empty.unwrap_or_else(|| t(Msg::CommonChartEmpty).into()));
    view! {
        <figure class=format!("line-chart {class}")>
            {move || {
                let s = series.get();
                if s.iter().any(|s| s.2.iter().any(|p| p.0.is_finite() && p.1.is_finite())) {
                    chart_svg(&s, &label.get_value(), &x_label.get_value(), &y_label.get_value()).into_any()
                } else {
                    view! { <p class="muted chart-empty">{empty.get_value()}</p> }.into_any()
                }
            }}
            <ul class="legend" aria-hidden="true">
                {move || series.get().into_iter().filter(|s| !s.2.is_empty()).map(|(name, color, _)| view! {
                    <li><span class="swatch" style=format!("background:{color}")></span>" "{name}</li>
                }).collect_view()}
            </ul>
            <details class="chart-table">
                <summary>{t(Msg::CommonChartShowTable)}</summary>
                {move || series.with(|s| chart_table(s, &x_label.get_value()))}
            </details>
        </figure>
    }
}

struct Bounds {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    /// The y range drawn (the data's with a margin).
    lo: f64,
    hi: f64,
    integral_x: bool,
}

fn bounds(series: &[Series]) -> Bounds {
    let pts = || series.iter().flat_map(|s| s.2.iter()).filter(|p| p.0.is_finite() && p.1.is_finite());
    let x0 = pts().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let mut x1 = pts().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let y0 = pts().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let y1 = pts().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let span = if y1 > y0 {
        y1 - y0
    } else if y0 != 0.0 {
        y0.abs() * 0.1
    } else {
        1.0
    };
    let integral_x = pts().all(|p| p.0.fract() == 0.0);
    Bounds { x0, x1, y0, y1, lo: y0 - span * 0.06, hi: y1 + span * 0.06, integral_x }
}

fn chart_svg(series: &[Series], label: &str, x_label: &str, y_label: &str) -> impl IntoView + use<> {
    let b = bounds(series);
    let sx = |x: f64| LEFT + (W - LEFT - RIGHT) * (x - b.x0) / (b.x1 - b.x0);
    let sy = |y: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (y - b.lo) / (b.hi - b.lo));
    let (plot_bottom, plot_right) = (H - BOTTOM, W - RIGHT);
    // The aria label says what a sighted person reads off the lines: where each starts and ends.
    let summary: Vec<String> = series
        .iter()
        .filter_map(|(name, _, pts)| {
            let first = pts.iter().find(|p| p.1.is_finite())?;
            let last = pts.iter().rev().find(|p| p.1.is_finite())?;
            Some(crate::tr!(
                Msg::CommonChartSeriesSummary,
                name = name.as_str(),
                start = significant(first.1),
                start_at = fmt_x(first.0, b.integral_x),
                end = significant(last.1),
                end_at = fmt_x(last.0, b.integral_x)
            ))
        })
        .collect();
    let aria = crate::tr!(Msg::CommonChartAria, label = label, y = y_label, x = x_label, summary = summary.join("; "));
    let y_ticks = [b.y0, (b.y0 + b.y1) / 2.0, b.y1];
    let x_ticks: Vec<f64> =
        if b.x1 - b.x0 >= 2.0 || !b.integral_x { vec![b.x0, (b.x0 + b.x1) / 2.0, b.x1] } else { vec![b.x0, b.x1] };
    let lines: Vec<_> = series
        .iter()
        .filter(|s| !s.2.is_empty())
        .map(|(name, color, pts)| {
            let mut pts: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.0.is_finite()).collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut d = String::new();
            let mut pen_down = false;
            for (x, y) in &pts {
                if y.is_finite() {
                    d.push_str(&format!("{}{:.1},{:.1} ", if pen_down { "L" } else { "M" }, sx(*x), sy(*y)));
                    pen_down = true;
                } else {
                    pen_down = false;
                }
            }
            // Sparse series (evaluations) get a dot per point so single points show.
            let dots: Vec<(f64, f64)> = if pts.len() <= 40 {
                pts.iter().filter(|p| p.1.is_finite()).map(|(x, y)| (sx(*x), sy(*y))).collect()
            } else {
                Vec::new()
            };
            let title = match (pts.first(), pts.last()) {
                (Some(a), Some(z)) => format!("{name}: {} → {}", significant(a.1), significant(z.1)),
                _ => name.clone(),
            };
            view! {
                <g class="series">
                    <title>{title}</title>
                    <path d=d fill="none" stroke-width="2" stroke-linejoin="round" style=format!("stroke:{color}")/>
                    {dots.into_iter().map(|(cx, cy)| view! { <circle cx=format!("{cx:.1}") cy=format!("{cy:.1}") r="3" style=format!("fill:{color}")/> }).collect_view()}
                </g>
            }
        })
        .collect();
    view! {
        <svg class="chart line" viewBox=format!("0 0 {W} {H}") role="img" aria-label=aria>
            <g class="axes" aria-hidden="true">
                {y_ticks.into_iter().map(|y| view! {
                    <line class="grid" x1=LEFT y1=sy(y) x2=plot_right y2=sy(y)/>
                    <text class="tick" x={LEFT - 6.0} y={sy(y) + 4.0} text-anchor="end">{significant(y)}</text>
                }).collect_view()}
                {x_ticks.iter().enumerate().map(|(i, x)| {
                    let anchor = if i == 0 { "start" } else if i + 1 == x_ticks.len() { "end" } else { "middle" };
                    view! { <text class="tick" x=sx(*x) y={plot_bottom + 16.0} text-anchor=anchor>{fmt_x(*x, b.integral_x)}</text> }
                }).collect_view()}
                <line class="axis-line" x1=LEFT y1=TOP x2=LEFT y2=plot_bottom/>
                <line class="axis-line" x1=LEFT y1=plot_bottom x2=plot_right y2=plot_bottom/>
                <text class="axis-label" x={(LEFT + plot_right) / 2.0} y={H - 6.0} text-anchor="middle">{x_label.to_string()}</text>
                <text class="axis-label" transform="rotate(-90)" x={-(TOP + plot_bottom) / 2.0} y="14" text-anchor="middle">{y_label.to_string()}</text>
            </g>
            {lines}
        </svg>
    }
}

fn chart_table(series: &[Series], x_label: &str) -> impl IntoView + use<> {
    let integral = series.iter().flat_map(|s| s.2.iter()).all(|p| p.0.fract() == 0.0);
    let mut xs: Vec<f64> = series.iter().flat_map(|s| s.2.iter().map(|p| p.0)).filter(|x| x.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let by_x: Vec<HashMap<u64, f64>> =
        series.iter().map(|s| s.2.iter().map(|p| (p.0.to_bits(), p.1)).collect()).collect();
    let total = xs.len();
    let every = total.div_ceil(TABLE_ROWS).max(1);
    let shown: Vec<f64> =
        xs.iter().enumerate().filter(|(i, _)| i % every == 0 || i + 1 == total).map(|(_, x)| *x).collect();
    let heads: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
    let rows: Vec<(String, Vec<String>)> = shown
        .iter()
        .map(|x| {
            let cells = by_x.iter().map(|m| m.get(&x.to_bits()).map_or("—".to_string(), |y| significant(*y))).collect();
            (fmt_x(*x, integral), cells)
        })
        .collect();
    view! {
        {(every > 1).then(|| view! { <p class="hint">{crate::tr!(Msg::CommonChartEveryNth, every = every, total = total)}</p> })}
        <div class="table-scroll">
            <table class="data chart-data">
                <thead><tr><th scope="col">{x_label.to_string()}</th>{heads.into_iter().map(|h| view! { <th scope="col" class="num">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|(x, cells)| view! {
                        <tr><th scope="row">{x}</th>{cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
