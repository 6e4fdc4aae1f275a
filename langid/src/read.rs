//! A bounds-checked little-endian cursor over a model file. Every length read from the file is
//! checked against the bytes that remain before anything is allocated, so a corrupt or hostile
//! file is an error, never a panic or a huge allocation.

use crate::error::{Error, Result};

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    kind: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], kind: &'static str) -> Self {
        Reader { bytes, pos: 0, kind }
    }

    pub fn offset(&self) -> usize {
        self.pos
    }

    pub fn corrupt(&self, detail: impl Into<String>) -> Error {
        Error::Corrupt { kind: self.kind, offset: self.pos, detail: detail.into() }
    }

    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if self.bytes.len() - self.pos < n {
            return Err(self.corrupt(format!(
                "the file ends inside {what} ({n} bytes wanted, {} left)",
                self.bytes.len() - self.pos
            )));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    pub fn bool(&mut self, what: &str) -> Result<bool> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.corrupt(format!("{what} is {b}, not a boolean"))),
        }
    }

    pub fn i32(&mut self, what: &str) -> Result<i32> {
        Ok(i32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }

    pub fn i64(&mut self, what: &str) -> Result<i64> {
        Ok(i64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }

    pub fn f64(&mut self, what: &str) -> Result<f64> {
        Ok(f64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }

    /// A count that must be within `0..=max`.
    pub fn count_i32(&mut self, what: &str, max: usize) -> Result<usize> {
        let v = self.i32(what)?;
        self.check_count(v as i64, what, max)
    }

    pub fn count_i64(&mut self, what: &str, max: usize) -> Result<usize> {
        let v = self.i64(what)?;
        self.check_count(v, what, max)
    }

    fn check_count(&self, v: i64, what: &str, max: usize) -> Result<usize> {
        if v < 0 || v as u64 > max as u64 {
            return Err(self.corrupt(format!("{what} is {v}, outside 0..={max}")));
        }
        Ok(v as usize)
    }

    /// The bytes left, for checking a count of items of `size` bytes each before allocating.
    pub fn room_for(&self, count: usize, size: usize, what: &str) -> Result<()> {
        match count.checked_mul(size) {
            Some(n) if n <= self.bytes.len() - self.pos => Ok(()),
            _ => Err(self.corrupt(format!(
                "{what}: {count} items do not fit in the {} bytes left",
                self.bytes.len() - self.pos
            ))),
        }
    }

    pub fn f32s(&mut self, n: usize, what: &str) -> Result<Vec<f32>> {
        self.room_for(n, 4, what)?;
        let raw = self.take(n * 4, what)?;
        Ok(raw.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect())
    }

    /// A NUL-terminated string (fastText's dictionary entries).
    pub fn cstr(&mut self, what: &str) -> Result<&'a [u8]> {
        let rest = &self.bytes[self.pos..];
        match rest.iter().position(|&b| b == 0) {
            Some(end) => {
                self.pos += end + 1;
                Ok(&rest[..end])
            }
            None => Err(self.corrupt(format!("the file ends inside {what}"))),
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

impl Reader<'_> {
    /// An unsigned LEB128 varint (the n-gram model's file).
    pub fn varint(&mut self, what: &str) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8(what)?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt(format!("{what} is not a valid number")))
    }
}
