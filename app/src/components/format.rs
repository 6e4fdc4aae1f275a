//! Numbers as pages show them, one definition each. Unit symbols (MB, GiB, s, min, h) stay here;
//! words come from the catalog.

use crate::i18n::{Msg, t};

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share 0–1 as "12.5%".
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A parameter count: "135.0 M".
pub fn param_count(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.2} B", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1} M", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.1} k", n as f64 / 1e3),
        n => n.to_string(),
    }
}

/// Memory: "1.5 GiB", or "14 MiB" below a tenth of a GiB.
pub fn gib(bytes: f64) -> String {
    let g = bytes / (1u64 << 30) as f64;
    if g >= 0.1 { format!("{g:.1} GiB") } else { format!("{:.0} MiB", bytes / (1u64 << 20) as f64) }
}

/// A size in decimal units: "12.3 MB".
pub fn bytes(b: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

/// A duration measured: "42 s", "3 min 5 s", "2 h 10 min".
pub fn duration(secs: f64) -> String {
    let s = secs.round() as i64;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}

/// A duration as a person says it before it starts: "about 12 min".
pub fn about(secs: f64) -> String {
    if !secs.is_finite() {
        "—".into()
    } else if secs < 60.0 {
        t(Msg::CommonAboutUnderMinute).into()
    } else if secs < 90.0 * 60.0 {
        crate::tr!(Msg::CommonAboutMinutes, minutes = format!("{:.0}", secs / 60.0))
    } else if secs < 48.0 * 3600.0 {
        crate::tr!(Msg::CommonAboutHours, hours = format!("{:.1}", secs / 3600.0))
    } else {
        crate::tr!(Msg::CommonAboutDays, days = format!("{:.0}", secs / 86400.0))
    }
}

/// A number in a few significant digits: small ones (learning rates) in scientific notation.
pub fn significant(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "—".into()
    } else if a == 0.0 {
        "0".into()
    } else if !(0.01..1e6).contains(&a) {
        format!("{v:.2e}")
    } else if a < 10.0 {
        format!("{v:.3}")
    } else if a < 1000.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A number as a person would type it: no trailing `.0`, one decimal at most.
pub fn as_typed(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

/// A large count in words: "12.3 million", "45 thousand".
pub fn count_in_words(n: f64) -> String {
    match n {
        n if n >= 1e9 => crate::tr!(Msg::CommonCountBillion, count = format!("{:.1}", n / 1e9)),
        n if n >= 1e6 => crate::tr!(Msg::CommonCountMillion, count = format!("{:.1}", n / 1e6)),
        n if n >= 1e4 => crate::tr!(Msg::CommonCountThousand, count = format!("{:.0}", n / 1e3)),
        n => format!("{n:.0}"),
    }
}

/// Compute speed: "1.2 TFLOP/s".
pub fn flop_rate(f: f64) -> String {
    match f {
        f if f >= 1e12 => format!("{:.1} TFLOP/s", f / 1e12),
        f if f >= 1e9 => format!("{:.1} GFLOP/s", f / 1e9),
        f => format!("{:.1} MFLOP/s", f / 1e6),
    }
}

/// A difference with its sign: "+0.120", "−0.050" (a true minus sign), "0.000".
pub fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{v:.3}")
    } else if v < 0.0 {
        format!("−{:.3}", -v)
    } else {
        "0.000".into()
    }
}
