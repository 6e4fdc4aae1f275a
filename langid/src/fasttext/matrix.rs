//! fastText's two matrix kinds: dense rows of `f32`, and product-quantized rows (`.ftz`): each
//! row is `nsubq` one-byte codes, each code picking one of 256 centroids of its sub-vector, the
//! last sub-vector possibly shorter; with `qnorm`, rows were normalized before quantizing and
//! their norms are quantized separately by a one-dimensional quantizer.

use crate::error::Result;
use crate::read::Reader;

const KSUB: usize = 256;

/// Rows of a fastText matrix, added into a vector (input words) or dotted with one (outputs).
pub(crate) enum Matrix {
    Dense { rows: usize, cols: usize, data: Vec<f32> },
    Quantized(QuantMatrix),
}

pub(crate) struct QuantMatrix {
    rows: usize,
    cols: usize,
    codes: Vec<u8>,
    pq: ProductQuantizer,
    norms: Option<(Vec<u8>, ProductQuantizer)>,
}

struct ProductQuantizer {
    nsubq: usize,
    dsub: usize,
    lastdsub: usize,
    centroids: Vec<f32>,
}

impl ProductQuantizer {
    fn load(r: &mut Reader, want_dim: usize) -> Result<Self> {
        let dim = r.count_i32("quantizer dimension", 1 << 20)?;
        let nsubq = r.count_i32("quantizer sub-vectors", 1 << 20)?;
        let dsub = r.count_i32("quantizer sub-vector size", 1 << 20)?;
        let lastdsub = r.count_i32("quantizer last sub-vector size", 1 << 20)?;
        if dim != want_dim || nsubq == 0 || dsub == 0 || lastdsub == 0 || (nsubq - 1) * dsub + lastdsub != dim {
            return Err(r.corrupt(format!(
                "quantizer shape dim={dim} nsubq={nsubq} dsub={dsub} lastdsub={lastdsub} does not cover {want_dim} columns"
            )));
        }
        let centroids = r.f32s(dim * KSUB, "quantizer centroids")?;
        Ok(ProductQuantizer { nsubq, dsub, lastdsub, centroids })
    }

    fn centroid(&self, m: usize, code: u8) -> &[f32] {
        let i = code as usize;
        if m == self.nsubq - 1 {
            let start = m * KSUB * self.dsub + i * self.lastdsub;
            &self.centroids[start..start + self.lastdsub]
        } else {
            let start = (m * KSUB + i) * self.dsub;
            &self.centroids[start..start + self.dsub]
        }
    }
}

impl Matrix {
    pub fn load_dense(r: &mut Reader) -> Result<Self> {
        let rows = r.count_i64("matrix rows", usize::MAX >> 4)?;
        let cols = r.count_i64("matrix columns", 1 << 20)?;
        let n = rows.checked_mul(cols).ok_or_else(|| r.corrupt("matrix size overflows"))?;
        let data = r.f32s(n, "matrix values")?;
        Ok(Matrix::Dense { rows, cols, data })
    }

    pub fn load_quantized(r: &mut Reader) -> Result<Self> {
        let qnorm = r.bool("quantized norm flag")?;
        let rows = r.count_i64("matrix rows", usize::MAX >> 4)?;
        let cols = r.count_i64("matrix columns", 1 << 20)?;
        let codesize = r.count_i32("code size", i32::MAX as usize)?;
        let codes = r.take(codesize, "codes")?.to_vec();
        let pq = ProductQuantizer::load(r, cols)?;
        if rows.checked_mul(pq.nsubq) != Some(codesize) {
            return Err(r.corrupt(format!("{codesize} codes for {rows} rows of {} sub-vectors", pq.nsubq)));
        }
        let norms = if qnorm {
            let codes = r.take(rows, "norm codes")?.to_vec();
            let npq = ProductQuantizer::load(r, 1)?;
            Some((codes, npq))
        } else {
            None
        };
        Ok(Matrix::Quantized(QuantMatrix { rows, cols, codes, pq, norms }))
    }

    pub fn rows(&self) -> usize {
        match self {
            Matrix::Dense { rows, .. } => *rows,
            Matrix::Quantized(q) => q.rows,
        }
    }

    pub fn cols(&self) -> usize {
        match self {
            Matrix::Dense { cols, .. } => *cols,
            Matrix::Quantized(q) => q.cols,
        }
    }

    /// `x += row(i)`; `i < rows()` is the caller's promise (checked at load time for the dictionary).
    pub fn add_row(&self, x: &mut [f32], i: usize) {
        match self {
            Matrix::Dense { cols, data, .. } => {
                for (a, b) in x.iter_mut().zip(&data[i * cols..(i + 1) * cols]) {
                    *a += b;
                }
            }
            Matrix::Quantized(q) => {
                let norm = q.norm(i);
                let code = &q.codes[i * q.pq.nsubq..(i + 1) * q.pq.nsubq];
                for (m, &c) in code.iter().enumerate() {
                    let cent = q.pq.centroid(m, c);
                    let xs = &mut x[m * q.pq.dsub..m * q.pq.dsub + cent.len()];
                    for (a, b) in xs.iter_mut().zip(cent) {
                        *a += norm * b;
                    }
                }
            }
        }
    }

    /// `row(i) · x`.
    pub fn dot_row(&self, x: &[f32], i: usize) -> f32 {
        match self {
            Matrix::Dense { cols, data, .. } => data[i * cols..(i + 1) * cols].iter().zip(x).map(|(a, b)| a * b).sum(),
            Matrix::Quantized(q) => {
                let norm = q.norm(i);
                let code = &q.codes[i * q.pq.nsubq..(i + 1) * q.pq.nsubq];
                let mut res = 0.0f32;
                for (m, &c) in code.iter().enumerate() {
                    let cent = q.pq.centroid(m, c);
                    let xs = &x[m * q.pq.dsub..m * q.pq.dsub + cent.len()];
                    for (a, b) in xs.iter().zip(cent) {
                        res += a * b;
                    }
                }
                res * norm
            }
        }
    }
}

impl QuantMatrix {
    fn norm(&self, i: usize) -> f32 {
        match &self.norms {
            Some((codes, npq)) => npq.centroid(0, codes[i])[0],
            None => 1.0,
        }
    }
}
