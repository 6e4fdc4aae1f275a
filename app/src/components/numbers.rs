//! Numbers read back from what people type, one definition each.
//!
//! Two kinds: the mixture builder's lenient readers, which tell an empty field (`Ok(None)`)
//! from one that is not a number (`Err`); and the run settings' strict readers, `None` for
//! anything that is not exactly a number, so the field keeps the text until it parses.

/// A whole number: digits only; spaces, commas and underscores as thousands separators are fine.
pub fn read_whole(s: &str) -> Result<Option<u64>, ()> {
    let t = s.trim().replace([',', '_', ' '], "");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u64>().map(Some).map_err(|_| ())
}

/// A decimal number; a comma is read as the decimal point.
pub fn read_decimal(s: &str) -> Result<Option<f64>, ()> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>().map(Some).map_err(|_| ())
}

pub fn parse_usize(s: &str) -> Option<usize> {
    s.trim().parse().ok()
}

pub fn parse_u64(s: &str) -> Option<u64> {
    s.trim().parse().ok()
}

/// A finite number (no `inf`, no `NaN`).
pub fn parse_f64(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Empty is `Some(None)` (no value); anything else must be a whole number.
pub fn parse_opt_usize(s: &str) -> Option<Option<usize>> {
    let s = s.trim();
    if s.is_empty() { Some(None) } else { s.parse().ok().map(Some) }
}

/// Two finite numbers, apart by commas, spaces or semicolons: "0.9, 0.999".
pub fn parse_pair(s: &str) -> Option<(f64, f64)> {
    let mut it = s.split([',', ' ', ';']).filter(|p| !p.trim().is_empty());
    let a = parse_f64(it.next()?)?;
    let b = parse_f64(it.next()?)?;
    it.next().is_none().then_some((a, b))
}
