//! The n-gram model's file: gzip over a small binary layout (magic, notice, settings, labels with
//! their feature totals, then features in hash order with delta-encoded keys and varint postings).
//! Only counts are stored; scores are derived on load, so a rebuilt model predicts identically.

use std::io::{Read, Write};
use std::path::Path;

use flate2::{Compression, GzBuilder, read::GzDecoder};

use std::borrow::Cow;

use super::{Counts, NgramModel, Settings};
use crate::error::{Error, Result};
use crate::read::Reader;

const MAGIC: &[u8; 16] = b"POLYTUNE-LANGID\0";
const VERSION: u32 = 1;
const KIND: &str = "Polytune n-gram";
/// A model file never unpacks to more than this (protects against a gzip bomb).
const MAX_UNPACKED: u64 = 1 << 30;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl NgramModel {
    /// The model file: gzip-compressed counts (what [`from_bytes`](Self::from_bytes) reads).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.file.to_vec()
    }

    pub(crate) fn encode(labels: &[String], settings: &Settings, notice: &str, counts: &Counts) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&VERSION.to_le_bytes());
        varint(&mut b, notice.len() as u64);
        b.extend_from_slice(notice.as_bytes());
        b.push(settings.min_order);
        b.push(settings.max_order);
        b.extend_from_slice(&settings.alpha.to_le_bytes());
        varint(&mut b, settings.min_count as u64);
        b.extend_from_slice(&settings.temperature.to_le_bytes());
        varint(&mut b, labels.len() as u64);
        for (l, total) in labels.iter().zip(&counts.totals) {
            varint(&mut b, l.len() as u64);
            b.extend_from_slice(l.as_bytes());
            varint(&mut b, *total);
        }
        varint(&mut b, counts.entries.len() as u64);
        let mut prev = 0u64;
        for &(k, s, l) in &counts.entries {
            let (s, l) = (s as usize, l as usize);
            varint(&mut b, k - prev);
            prev = k;
            varint(&mut b, l as u64);
            for p in s..s + l {
                varint(&mut b, counts.post_lang[p] as u64);
                varint(&mut b, counts.post_count[p] as u64);
            }
        }
        let mut gz = GzBuilder::new().mtime(0).write(Vec::new(), Compression::best());
        gz.write_all(&b).expect("writing to memory");
        gz.finish().expect("writing to memory")
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()).map_err(|source| Error::Io { path: path.to_owned(), source })
    }

    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(packed: &[u8]) -> Result<Self> {
        Self::decode(Cow::Owned(packed.to_vec()))
    }

    /// A model built into the binary: its bytes are borrowed, not copied.
    pub fn from_static(packed: &'static [u8]) -> Result<Self> {
        Self::decode(Cow::Borrowed(packed))
    }

    fn decode(file: Cow<'static, [u8]>) -> Result<Self> {
        let (labels, settings, notice, counts) = Self::parse(&file)?;
        Ok(NgramModel::assemble(labels, settings, notice, counts, file))
    }

    /// The counts this model was built from (read back from its file).
    pub(crate) fn counts(&self) -> Result<(Vec<String>, Settings, String, Counts)> {
        Self::parse(&self.file)
    }

    fn parse(packed: &[u8]) -> Result<(Vec<String>, Settings, String, Counts)> {
        let not = |detail: &str| Error::NotAModel { kind: KIND, detail: detail.into() };
        if packed.len() < 2 || packed[..2] != [0x1f, 0x8b] {
            return Err(not("it is not gzip-compressed"));
        }
        let mut bytes = Vec::new();
        GzDecoder::new(packed).take(MAX_UNPACKED).read_to_end(&mut bytes).map_err(|e| Error::Corrupt {
            kind: KIND,
            offset: 0,
            detail: format!("cannot decompress: {e}"),
        })?;
        let mut r = Reader::new(&bytes, KIND);
        if r.take(16, "the magic").ok() != Some(MAGIC.as_slice()) {
            return Err(not("wrong magic bytes"));
        }
        let version = u32::from_le_bytes(r.take(4, "the version")?.try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(Error::Unsupported {
                kind: KIND,
                detail: format!("file version {version} (this build reads {VERSION})"),
            });
        }
        let n = r.varint("the notice length")? as usize;
        let notice =
            String::from_utf8(r.take(n, "the notice")?.to_vec()).map_err(|_| r.corrupt("the notice is not UTF-8"))?;
        let min_order = r.u8("the minimum order")?;
        let max_order = r.u8("the maximum order")?;
        let alpha = f32::from_le_bytes(r.take(4, "alpha")?.try_into().expect("4 bytes"));
        let min_count = r.varint("the minimum count")? as u32;
        let temperature = f32::from_le_bytes(r.take(4, "the temperature")?.try_into().expect("4 bytes"));
        if !(1..=8).contains(&max_order)
            || !(1..=max_order).contains(&min_order)
            || !(alpha > 0.0 && alpha.is_finite())
            || !temperature.is_finite()
        {
            return Err(
                r.corrupt(format!("impossible settings: order {max_order}, alpha {alpha}, temperature {temperature}"))
            );
        }
        let settings = Settings { min_order, max_order, alpha, min_count, temperature };
        let nlabels = r.varint("the label count")? as usize;
        if !(1..=u16::MAX as usize).contains(&nlabels) {
            return Err(r.corrupt(format!("{nlabels} labels")));
        }
        r.room_for(nlabels, 2, "labels")?;
        let mut labels = Vec::with_capacity(nlabels);
        let mut totals = Vec::with_capacity(nlabels);
        for _ in 0..nlabels {
            let n = r.varint("a label length")? as usize;
            let l = String::from_utf8(r.take(n, "a label")?.to_vec()).map_err(|_| r.corrupt("a label is not UTF-8"))?;
            labels.push(l);
            totals.push(r.varint("a label's total")?);
        }
        let nentries = r.varint("the feature count")? as usize;
        r.room_for(nentries, 4, "features")?;
        let mut entries = Vec::with_capacity(nentries);
        let (mut post_lang, mut post_count) = (Vec::new(), Vec::new());
        let mut key = 0u64;
        for i in 0..nentries {
            let d = r.varint("a feature key")?;
            if i > 0 && d == 0 {
                return Err(r.corrupt("two features with the same key"));
            }
            key = key.wrapping_add(d);
            let len = r.varint("a posting count")? as usize;
            if len == 0 || len > nlabels {
                return Err(r.corrupt(format!("a feature seen in {len} languages of {nlabels}")));
            }
            entries.push((key, post_lang.len() as u32, len as u16));
            for _ in 0..len {
                let l = r.varint("a posting's language")? as usize;
                if l >= nlabels {
                    return Err(r.corrupt(format!("language index {l} of {nlabels}")));
                }
                post_lang.push(l as u16);
                post_count
                    .push(u32::try_from(r.varint("a posting's count")?).map_err(|_| r.corrupt("a count overflows"))?);
            }
        }
        if !r.at_end() {
            return Err(r.corrupt("bytes after the model"));
        }
        if super::sparse_postings(&entries) >= super::MAX_SPARSE {
            return Err(r.corrupt("more postings than a model can hold"));
        }
        if super::dense_bytes(&entries, nlabels) > super::MAX_DENSE_BYTES {
            return Err(r.corrupt("its dense rows would not fit in memory"));
        }
        Ok((labels, settings, notice, Counts { totals, entries, post_lang, post_count }))
    }
}
