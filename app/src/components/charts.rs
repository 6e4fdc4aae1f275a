//! Charts drawn as SVG by Leptos views (themable through CSS; every chart has a table view).

/// One stable colour per language across every chart: a hue from the code's hash, at a
/// lightness readable on both the light and the dark theme.
pub fn lang_color(code: &str) -> String {
    // FNV-1a: stable across builds and machines.
    let mut h: u32 = 0x811c_9dc5;
    for b in code.split('-').next().unwrap_or(code).bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    // Golden-angle steps spread neighbouring hashes apart.
    let hue = (h % 360) as f64 * 137.508 % 360.0;
    format!("hsl({hue:.0} 65% 50%)")
}
