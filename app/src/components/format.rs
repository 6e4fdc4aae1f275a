//! Numbers as pages show them, one definition each.

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
